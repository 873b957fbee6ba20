"""Staff directories (issue 14): registered LDAP / AD directories and staff accounts' links.

Revision ID: 0017_ldap_directories
Revises: 0015_account_deletion
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_ldap_directories"
down_revision = "0015_account_deletion"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ldap_directories",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("department", sa.String(128), nullable=False),
        sa.Column("config", sa.JSON, nullable=False),
        sa.Column("bind_password_sealed", sa.Text, nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("name", name="uq_ldap_directories_name"),
    )
    op.create_table(
        "staff_links",
        sa.Column("account_id", sa.String(36),
                  sa.ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("directory", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("entry_dn", sa.String(512), nullable=False),
        sa.Column("employee_number", sa.String(64)),
        sa.Column("roles", sa.JSON, nullable=False),
        sa.Column("groups", sa.JSON, nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("directory", "subject", name="uq_staff_links_subject"),
    )
    op.create_index("ix_staff_links_directory", "staff_links", ["directory"])


def downgrade() -> None:
    op.drop_index("ix_staff_links_directory", table_name="staff_links")
    op.drop_table("staff_links")
    op.drop_table("ldap_directories")
