"""The provincial app (政务App) as a first-party public OIDC client of its own IdP.

The app signs its person in with the authorization code flow and PKCE (a native app: no
secret, a custom-scheme redirect URI) and keeps the access token; with it, it confirms a
scan-to-login (扫码登录) on a PC (``idp/oidc/endpoints/scan_login.py``). Its client id is
fixed, ``yiwang-app``, as the app is built with it; migration ``0021_app_client`` registers it,
``ensure_app_client`` again when it is missing (a database emptied by hand or by tests).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError

from clients import registry
from clients.models import OidcClient
from clients.validation import validate_metadata
from idp.audit import SYSTEM_ACTOR, EventType, record
from idp.db import utcnow

if TYPE_CHECKING:
    from idp.services import Services

APP_CLIENT_ID = "yiwang-app"
APP_KEY = "app"  # its ``builtin`` key
APP_NAME = "政务App"
APP_REDIRECT_URI = "cn.gov.yiwang.app:/oauth2/callback"
APP_METADATA = {
    "client_name": APP_NAME, "application_type": "native",
    "redirect_uris": [APP_REDIRECT_URI], "token_endpoint_auth_method": "none",
    "scope": "openid profile phone offline_access", "first_party": True, "allow_refresh": True,
}


def is_app_client(client_id: str | None) -> bool:
    return client_id == APP_CLIENT_ID


def ensure_app_client(services: Services) -> OidcClient:
    """The app's client, registered under its fixed id when missing (one however many
    callers race: the unique ``builtin`` key and primary key decide)."""
    found = registry.get_builtin(services, APP_KEY)
    if found is not None:
        return found
    values = validate_metadata(APP_METADATA, trusted=True)
    try:
        with services.db.begin() as session:
            client = OidcClient(client_id=APP_CLIENT_ID, builtin=APP_KEY, **values)
            client.created_at = client.updated_at = utcnow()
            session.add(client)
            session.flush()
            record(session, EventType.CLIENT_CHANGE, actor=SYSTEM_ACTOR,
                   client_id=APP_CLIENT_ID, action="register_builtin")
            return client
    except IntegrityError:
        found = registry.get_builtin(services, APP_KEY)
        if found is None:
            raise
        return found
