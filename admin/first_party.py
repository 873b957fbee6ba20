"""The console as a first-party OIDC client of its own IdP, registered at start-up if missing.

Exactly one such client exists however many workers or nodes start together: it is the
``builtin`` client ``"console"``, a unique key in the database (``registry.ensure_builtin``).

Its policy makes the IdP itself demand assurance level 3 (a second factor in this session) and
skips the consent page (first party). It admits staff accounts as well as citizens' and
administrators' (issue 14): a staff member whose directory group makes them a department
administrator signs in like any administrator, second factor included; every other account
without an admin role, staff or not, is refused by the console after the sign-in
(``admin.web.signin_views``), as it always was.

It is a public client bound by PKCE (RFC 7636, S256) and an exact redirect URI: every node of
a cluster can then sign admins in without sharing a client secret, and the code is useless
without the verifier kept in the console session.
"""

from __future__ import annotations

from clients import registry
from clients.models import OidcClient
from clients.policy import ACCOUNT_CLASSES
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
        "account_classes": list(ACCOUNT_CLASSES),
    }, SYSTEM_ACTOR)
    changes = {}
    if uri not in client.redirect_uris:  # the issuer moved (e.g. a test server's port)
        changes["redirect_uris"] = [*client.redirect_uris, uri]
    if set(client.account_classes or ()) != set(ACCOUNT_CLASSES):  # registered before staff
        changes["account_classes"] = list(ACCOUNT_CLASSES)
    if changes:
        registry.update_client(services, client.client_id, changes, SYSTEM_ACTOR)
    return client.client_id
