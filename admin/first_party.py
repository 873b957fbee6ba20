"""The console as a first-party OIDC client of its own IdP, registered at start-up if missing.

Its policy makes the IdP itself demand assurance level 3 (a second factor in this session) and
skips the consent page (first party). It is a public client bound by PKCE (RFC 7636, S256) and
an exact redirect URI: every node of a cluster can then sign admins in without sharing a
client secret, and the code is useless without the verifier kept in the console session.
"""

from __future__ import annotations

from sqlalchemy import select

from clients import registry
from clients.models import OidcClient
from idp.audit import SYSTEM_ACTOR

CONSOLE_NAME = "管理控制台"
CALLBACK_PATH = "/admin/callback"


def redirect_uri(issuer: str) -> str:
    return issuer + CALLBACK_PATH


def find_console_client(services) -> OidcClient | None:
    with services.db.session() as session:
        return session.scalar(
            select(OidcClient).where(OidcClient.name == CONSOLE_NAME,
                                     OidcClient.first_party.is_(True))
            .order_by(OidcClient.created_at).limit(1))


def ensure_console_client(services) -> str:
    """The console's client_id, registering the client when it is missing."""
    uri = redirect_uri(services.settings.issuer)
    client = find_console_client(services)
    if client is None:
        client, _ = registry.register_client(services, {
            "client_name": CONSOLE_NAME, "redirect_uris": [uri], "scope": "openid profile",
            "token_endpoint_auth_method": "none", "min_level": 3, "first_party": True,
        }, SYSTEM_ACTOR)
    elif uri not in client.redirect_uris:  # the issuer moved (e.g. a test server's port)
        registry.update_client(services, client.client_id,
                               {"redirect_uris": [*client.redirect_uris, uri]}, SYSTEM_ACTOR)
    return client.client_id
