"""The OIDC clients an SSO session signed in to: the ``oidc:<client_id>`` participants the
authorization endpoint adds when it issues a code."""

from __future__ import annotations

from typing import Any

from clients.registry import get_client
from idp.services import Services
from idp.sso.session import SsoSession

PREFIX = "oidc:"


def participants(services: Services, session: SsoSession) -> list[Any]:
    """The OIDC clients the session signed in to (still registered)."""
    ids = [key[len(PREFIX):] for key in session.participants if key.startswith(PREFIX)]
    with services.db.session() as db:
        found = [get_client(db, client_id) for client_id in ids]
    return [client for client in found if client is not None]
