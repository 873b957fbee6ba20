"""Admin roles: one row per (account, role, department); no foreign key to persons, so the
role model does not depend on the accounts migration.

Revision ID: 0009_admin_roles
Revises: 0008_audit_chain
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_admin_roles"
down_revision = "0008_audit_chain"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admin_role_grants",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("granted_by", sa.String(36)),
        sa.PrimaryKeyConstraint("id", name="pk_admin_role_grants"),
        sa.UniqueConstraint("account_id", "role", "department",
                            name="uq_admin_role_grants_account_id_role_department"),
    )
    op.create_index("ix_admin_role_grants_account_id", "admin_role_grants", ["account_id"])


def downgrade() -> None:
    op.drop_table("admin_role_grants")
