"""Relying parties list the first factors they accept (issue 13): password, sms, passkey, scan,
upstream (issue 15). Every existing OIDC client and SAML SP keeps accepting every one.

Revision ID: 0020_first_factors
Revises: 0018_account_classes
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_first_factors"
down_revision = "0018_account_classes"
branch_labels = None
depends_on = None

TABLES = ("oidc_clients", "saml_service_providers")
EVERY_FACTOR = '\'["password", "sms", "passkey", "scan", "upstream"]\''


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column(
            "first_factors", sa.JSON, nullable=False, server_default=sa.text(EVERY_FACTOR)))


def downgrade() -> None:
    for table in TABLES:
        op.drop_column(table, "first_factors")
