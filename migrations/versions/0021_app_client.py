"""The provincial app (政务App) as a built-in first-party public OIDC client (issue 13): client
id ``yiwang-app``, native, no secret (PKCE), a custom-scheme redirect URI, refresh tokens. Its
access token confirms a scan-to-login on a PC. ``clients/app_client.py`` holds the same values
and registers the client again if it is ever missing.

Revision ID: 0021_app_client
Revises: 0020_first_factors
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0021_app_client"
down_revision = "0020_first_factors"
branch_labels = None
depends_on = None

CLIENT_ID = "yiwang-app"
SCOPES = ["openid", "profile", "phone", "offline_access"]
_clients = sa.table(
    "oidc_clients", *(sa.column(name, kind) for name, kind in (
        ("client_id", sa.String), ("name", sa.String), ("application_type", sa.String),
        ("token_endpoint_auth_method", sa.String), ("redirect_uris", sa.JSON),
        ("post_logout_redirect_uris", sa.JSON), ("backchannel_logout_session_required",
                                                 sa.Boolean),
        ("frontchannel_logout_session_required", sa.Boolean), ("grant_types", sa.JSON),
        ("response_types", sa.JSON), ("allowed_scopes", sa.JSON), ("allowed_claims", sa.JSON),
        ("subject_type", sa.String), ("min_level", sa.Integer),
        ("id_token_signed_response_alg", sa.String), ("access_token_lifetime", sa.Integer),
        ("refresh_token_lifetime", sa.Integer), ("refresh_token_absolute_lifetime", sa.Integer),
        ("id_token_lifetime", sa.Integer), ("first_party", sa.Boolean),
        ("allow_refresh", sa.Boolean), ("disabled", sa.Boolean), ("extra", sa.JSON),
        ("created_at", sa.DateTime(timezone=True)), ("updated_at", sa.DateTime(timezone=True)),
        ("builtin", sa.String), ("account_classes", sa.JSON), ("first_factors", sa.JSON),
    )))


def upgrade() -> None:
    conn = op.get_bind()
    taken = conn.execute(sa.select(_clients.c.client_id).where(
        sa.or_(_clients.c.client_id == CLIENT_ID, _clients.c.builtin == "app"))).first()
    if taken is not None:
        return
    now = datetime.now(UTC)
    conn.execute(_clients.insert().values(
        client_id=CLIENT_ID, name="政务App", application_type="native",
        token_endpoint_auth_method="none",  # noqa: S106 - a method's name
        redirect_uris=["cn.gov.yiwang.app:/oauth2/callback"],
        post_logout_redirect_uris=[], backchannel_logout_session_required=True,
        frontchannel_logout_session_required=True,
        grant_types=["authorization_code", "refresh_token"], response_types=["code"],
        allowed_scopes=SCOPES, allowed_claims=["name", "phone_number", "phone_number_verified",
                                               "preferred_username", "sub", "updated_at"],
        subject_type="public", min_level=1, id_token_signed_response_alg="RS256",  # noqa: S106
        access_token_lifetime=600, refresh_token_lifetime=8 * 3600,
        refresh_token_absolute_lifetime=30 * 86400, id_token_lifetime=600, first_party=True,
        allow_refresh=True, disabled=False, extra={}, created_at=now, updated_at=now,
        builtin="app", account_classes=["person"],
        first_factors=["password", "sms", "passkey", "scan"]))


def downgrade() -> None:
    conn = op.get_bind()
    for table in ("oidc_refresh_tokens", "consents"):
        dependants = sa.table(table, sa.column("client_id", sa.String(64)))
        conn.execute(dependants.delete().where(dependants.c.client_id == CLIENT_ID))
    conn.execute(_clients.delete().where(_clients.c.client_id == CLIENT_ID))
