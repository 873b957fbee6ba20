"""Refresh tokens name the access token issued with them (``access_jti``, ``access_exp``).

Revoking a family (reuse, RFC 7009 revocation, the person revoking a site) then revokes every
access token of the grant too (RFC 9700 §4.14.2, RFC 7009 §2.1). Rows from before this
revision have none: their access tokens expire on their own within minutes.

Revision ID: 0011_refresh_access_jti
Revises: 0010_userinfo_alg
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_refresh_access_jti"
down_revision = "0010_userinfo_alg"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("oidc_refresh_tokens", sa.Column("access_jti", sa.String(64), nullable=True))
    op.add_column("oidc_refresh_tokens", sa.Column("access_exp", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("oidc_refresh_tokens", "access_exp")
    op.drop_column("oidc_refresh_tokens", "access_jti")
