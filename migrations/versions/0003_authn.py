"""Second factors: TOTP credentials and recovery codes.

Revision ID: 0003_authn
Revises: 0002_accounts
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_authn"
down_revision = "0002_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "totp_credentials",
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("secret_sealed", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("account_id", name="pk_totp_credentials"),
        sa.ForeignKeyConstraint(["account_id"], ["persons.id"], ondelete="CASCADE",
                                name="fk_totp_credentials_account_id_persons"),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True,
                  nullable=False),
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_recovery_codes"),
        sa.ForeignKeyConstraint(["account_id"], ["persons.id"], ondelete="CASCADE",
                                name="fk_recovery_codes_account_id_persons"),
        sa.UniqueConstraint("digest", name="uq_recovery_codes_digest"),
    )
    op.create_index("ix_recovery_codes_account_id", "recovery_codes", ["account_id"])


def downgrade() -> None:
    op.drop_table("recovery_codes")
    op.drop_table("totp_credentials")
