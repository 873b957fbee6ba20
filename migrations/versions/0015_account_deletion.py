"""Deletion requests (PIPL art. 47): one row per account waiting out its grace period.

Revision ID: 0015_account_deletion
Revises: 0014_real_name_registers
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_account_deletion"
down_revision = "0014_real_name_registers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_deletions",
        sa.Column("account_id", sa.String(36),
                  sa.ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purge_after", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_account_deletions_purge_after", "account_deletions", ["purge_after"])


def downgrade() -> None:
    op.drop_index("ix_account_deletions_purge_after", table_name="account_deletions")
    op.drop_table("account_deletions")
