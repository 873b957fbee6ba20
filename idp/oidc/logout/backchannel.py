"""OIDC Back-Channel Logout 1.0 §2.5: when an SSO session ends, POST a logout token to every
OIDC client the session signed in to that registered a ``backchannel_logout_uri``.

Sends run in parallel with a short timeout; a failure is logged, never raised, so one
unreachable relying party cannot keep a person signed in elsewhere (§2.8).
"""

from __future__ import annotations

import logging
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlencode

from clients.registry import get_client
from idp.oidc.grants import refresh_tokens
from idp.oidc.logout.participants import PREFIX, participants
from idp.oidc.tokens import jwt
from idp.services import Services
from idp.sso.session import SsoSession

log = logging.getLogger(__name__)


def listener(services: Services):
    """The ``sessions.end_listeners`` entry (registered once per app)."""

    def on_session_end(session: SsoSession, _context: Any) -> None:
        send(services, participants(services, session), session)

    on_session_end.oidc_backchannel = True  # type: ignore[attr-defined] - registered once
    return on_session_end


def site_revoker(services: Services):
    """The ``sessions.participant_revokers`` entry: the person revoked one OIDC site on "my
    account", so that client's refresh tokens for the person end and the client hears a
    back-channel logout for this session (its local session ends too)."""

    def on_site_revoked(session: SsoSession, key: str, _data: dict[str, Any]) -> None:
        if not key.startswith(PREFIX):
            return
        client_id = key[len(PREFIX):]
        refresh_tokens.revoke_for_account(services, session.account_id, client_id)
        with services.db.session() as db:
            client = get_client(db, client_id)
        if client is not None:
            send(services, [client], session)

    on_site_revoked.oidc_site_revoker = True  # type: ignore[attr-defined] - registered once
    return on_site_revoked


def send(services: Services, clients: list[Any], session: SsoSession) -> None:
    """POST a logout token for ``session`` to each client that has a back-channel URI."""
    targets = [c for c in clients if c.backchannel_logout_uri]
    if not targets:
        return
    jobs = [(c.backchannel_logout_uri, c.client_id,
             jwt.logout_token(services, c, session.account_id, session.sid))
            for c in targets]
    timeout = services.settings.oidc_backchannel_timeout
    with ThreadPoolExecutor(max_workers=min(8, len(jobs))) as pool:
        for uri, client_id, token in jobs:
            pool.submit(_send, uri, client_id, token, timeout)


def _send(uri: str, client_id: str, token: str, timeout: int) -> None:
    body = urlencode({"logout_token": token}).encode()
    request = urllib.request.Request(  # noqa: S310 - a registered http(s) URI
        uri, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            log.info("back-channel logout to %s: HTTP %s", client_id, response.status)
    except OSError as exc:  # URLError, HTTPError, timeouts
        log.warning("back-channel logout to %s failed: %s", client_id, exc)

