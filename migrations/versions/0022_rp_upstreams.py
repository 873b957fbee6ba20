"""Relying parties may name the upstream identity providers they accept (issue 15): the
``upstreams`` their login page shows and a session made through one must have come from.
Empty, as every existing OIDC client and SAML SP is left, accepts every enabled upstream.

Joins the two 0021 heads: the relying parties' tables and the upstreams' table meet here.

Revision ID: 0022_rp_upstreams
Revises: 0021_app_client, 0021_federated_links
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_rp_upstreams"
down_revision = ("0021_app_client", "0021_federated_links")
branch_labels = None
depends_on = None

TABLES = ("oidc_clients", "saml_service_providers")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column(
            "upstreams", sa.JSON, nullable=False, server_default=sa.text("'[]'")))


def downgrade() -> None:
    for table in TABLES:
        op.drop_column(table, "upstreams")
