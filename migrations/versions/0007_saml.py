"""SAML service providers.

Revision ID: 0007_saml
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_saml"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saml_service_providers",
        sa.Column("entity_id", sa.String(1024), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("department", sa.String(200)),
        sa.Column("acs", sa.JSON(), nullable=False),
        sa.Column("slo", sa.JSON(), nullable=False),
        sa.Column("signing_certs", sa.JSON(), nullable=False),
        sa.Column("encryption_certs", sa.JSON(), nullable=False),
        sa.Column("nameid_format", sa.String(128), nullable=False),
        sa.Column("want_assertions_signed", sa.Boolean(), nullable=False),
        sa.Column("authn_requests_signed", sa.Boolean(), nullable=False),
        sa.Column("sign_response", sa.Boolean(), nullable=False),
        sa.Column("encrypt_assertions", sa.Boolean(), nullable=False),
        sa.Column("allowed_attributes", sa.JSON(), nullable=False),
        sa.Column("min_level", sa.Integer(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("metadata_xml", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("entity_id", name="pk_saml_service_providers"),
    )
    op.create_index(
        "ix_saml_service_providers_department", "saml_service_providers", ["department"]
    )


def downgrade() -> None:
    op.drop_table("saml_service_providers")
