"""Relying parties admit account classes (issue 14): "person" (citizens, administrators),
"staff" (directory accounts). Every existing OIDC client and SAML SP keeps admitting citizens
only; an administrator opts a relying party in for staff.

Revision ID: 0018_account_classes
Revises: 0012_builtin_clients, 0007_saml
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_account_classes"
# The branches that made the two tables it changes (each feature's migrations are a branch).
down_revision = ("0012_builtin_clients", "0007_saml")
branch_labels = None
depends_on = None

TABLES = ("oidc_clients", "saml_service_providers")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column(
            "account_classes", sa.JSON, nullable=False, server_default=sa.text("'[\"person\"]'")))


def downgrade() -> None:
    for table in TABLES:
        op.drop_column(table, "account_classes")
