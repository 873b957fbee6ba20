"""The console as a first-party OIDC client of its own IdP, registered at start-up if missing.

Exactly one such client exists however many workers or nodes start together: it is the
``builtin`` client ``"console"``, a unique key in the database (``registry.ensure_builtin``).

Its policy makes the IdP itself demand assurance level 3 (a second factor in this session) and
skips the consent page (first party). It is a public client bound by PKCE (RFC 7636, S256) and
an exact redirect URI: every node of a cluster can then sign admins in without sharing a
client secret, and the code is useless without the verifier kept in the console session.
"""

from __future__ import annotations

from clients import registry
from clients.models import OidcClient
from idp.audit import SYSTEM_ACTOR
from idp.services import Services

CONSOLE_NAME = "管理控制台"
CONSOLE_KEY = "console"  # its ``builtin`` key
CALLBACK_PATH = "/admin/callback"


def redirect_uri(issuer: str) -> str:
    return issuer + CALLBACK_PATH


def find_console_client(services: Services) -> OidcClient | None:
    return registry.get_builtin(services, CONSOLE_KEY)


def is_console_client(client: OidcClient) -> bool:
    return client.builtin == CONSOLE_KEY


def ensure_console_client(services: Services) -> str:
    """The console's client_id, registering the client when it is missing."""
    uri = redirect_uri(services.settings.issuer)
    client = registry.ensure_builtin(services, CONSOLE_KEY, {
        "client_name": CONSOLE_NAME, "redirect_uris": [uri], "scope": "openid profile",
        "token_endpoint_auth_method": "none", "min_level": 3, "first_party": True,
    }, SYSTEM_ACTOR)
    if uri not in client.redirect_uris:  # the issuer moved (e.g. a test server's port)
        registry.update_client(services, client.client_id,
                               {"redirect_uris": [*client.redirect_uris, uri]}, SYSTEM_ACTOR)
    return client.client_id
