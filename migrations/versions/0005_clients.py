"""OIDC clients (relying parties) and consent records.

Revision ID: 0005_clients
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_clients"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    tz = sa.DateTime(timezone=True)
    op.create_table(
        "oidc_clients",
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("department", sa.String(200)),
        sa.Column("application_type", sa.String(16), nullable=False),
        sa.Column("secret_hash", sa.String(64)),
        sa.Column("secret_rotated_at", tz),
        sa.Column("token_endpoint_auth_method", sa.String(32), nullable=False),
        sa.Column("jwks", sa.JSON()),
        sa.Column("jwks_uri", sa.String(2000)),
        sa.Column("redirect_uris", sa.JSON(), nullable=False),
        sa.Column("post_logout_redirect_uris", sa.JSON(), nullable=False),
        sa.Column("backchannel_logout_uri", sa.String(2000)),
        sa.Column("backchannel_logout_session_required", sa.Boolean(), nullable=False),
        sa.Column("frontchannel_logout_uri", sa.String(2000)),
        sa.Column("frontchannel_logout_session_required", sa.Boolean(), nullable=False),
        sa.Column("grant_types", sa.JSON(), nullable=False),
        sa.Column("response_types", sa.JSON(), nullable=False),
        sa.Column("allowed_scopes", sa.JSON(), nullable=False),
        sa.Column("allowed_claims", sa.JSON(), nullable=False),
        sa.Column("subject_type", sa.String(16), nullable=False),
        sa.Column("sector_identifier", sa.String(255)),
        sa.Column("sector_identifier_uri", sa.String(2000)),
        sa.Column("min_level", sa.Integer(), nullable=False),
        sa.Column("id_token_signed_response_alg", sa.String(16), nullable=False),
        sa.Column("access_token_lifetime", sa.Integer(), nullable=False),
        sa.Column("refresh_token_lifetime", sa.Integer(), nullable=False),
        sa.Column("refresh_token_absolute_lifetime", sa.Integer(), nullable=False),
        sa.Column("id_token_lifetime", sa.Integer(), nullable=False),
        sa.Column("first_party", sa.Boolean(), nullable=False),
        sa.Column("allow_refresh", sa.Boolean(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("registration_access_token_hash", sa.String(64)),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("created_at", tz, nullable=False),
        sa.Column("updated_at", tz, nullable=False),
        sa.PrimaryKeyConstraint("client_id", name="pk_oidc_clients"),
    )
    op.create_index("ix_oidc_clients_department", "oidc_clients", ["department"])
    op.create_table(
        "consents",
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("granted_at", tz, nullable=False),
        sa.PrimaryKeyConstraint("account_id", "client_id", name="pk_consents"),
        sa.ForeignKeyConstraint(
            ["client_id"], ["oidc_clients.client_id"], name="fk_consents_client_id_oidc_clients",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_consents_client_id", "consents", ["client_id"])


def downgrade() -> None:
    op.drop_table("consents")
    op.drop_table("oidc_clients")
