"""Upstream identity providers (issue 15) and the links of person accounts to them.

Revision ID: 0021_federated_links
Revises: 0019_passkeys
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_federated_links"
down_revision = "0019_passkeys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "upstream_providers",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("display_name", sa.String(128), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("client_secret_sealed", sa.Text()),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_upstream_providers"),
        sa.UniqueConstraint("name", name="uq_upstream_providers_name"),
    )
    op.create_table(
        "federated_links",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(512), nullable=False),
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_federated_links"),
        sa.ForeignKeyConstraint(["account_id"], ["persons.id"], ondelete="CASCADE",
                                name="fk_federated_links_account_id_persons"),
        sa.UniqueConstraint("source", "subject", name="uq_federated_links_subject"),
    )
    op.create_index("ix_federated_links_account_id", "federated_links", ["account_id"])


def downgrade() -> None:
    op.drop_table("federated_links")
    op.drop_table("upstream_providers")
