"""OIDC refresh tokens (families, rotation, revocation).

Revision ID: 0006_oidc
Revises: 0005_clients
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_oidc"
down_revision = "0005_clients"
branch_labels = None
depends_on = None


def upgrade() -> None:
    tz = sa.DateTime(timezone=True)
    op.create_table(
        "oidc_refresh_tokens",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("family_id", sa.String(32), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("scope", sa.String(1000), nullable=False),
        sa.Column("sid", sa.String(64)),
        sa.Column("auth_time", sa.Integer(), nullable=False),
        sa.Column("acr", sa.String(8), nullable=False),
        sa.Column("amr", sa.JSON(), nullable=False),
        sa.Column("acting_for", sa.JSON()),
        sa.Column("created_at", tz, nullable=False),
        sa.Column("expires_at", tz, nullable=False),
        sa.Column("family_expires_at", tz, nullable=False),
        sa.Column("rotated_at", tz),
        sa.Column("revoked_at", tz),
        sa.PrimaryKeyConstraint("token_hash", name="pk_oidc_refresh_tokens"),
        sa.ForeignKeyConstraint(
            ["client_id"], ["oidc_clients.client_id"],
            name="fk_oidc_refresh_tokens_client_id_oidc_clients", ondelete="CASCADE",
        ),
    )
    for column in ("family_id", "client_id", "account_id"):
        op.create_index(f"ix_oidc_refresh_tokens_{column}", "oidc_refresh_tokens", [column])


def downgrade() -> None:
    op.drop_table("oidc_refresh_tokens")
