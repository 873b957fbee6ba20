"""Ending an SSO session on purpose, audited: the account page's logout button, "end that
session" on the account page, and switching accounts. Protocol logout endpoints may call it too.

``services.sessions.end`` runs the end listeners (OIDC back-channel, SAML single logout), so
the session ends everywhere it lives. The sites that can only be told through the browser
give their front-channel URLs first (``frontchannel_urls``): ending the session forgets them.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import TYPE_CHECKING

from idp.audit import Actor, EventType, record
from idp.sso.session import SsoSession

if TYPE_CHECKING:
    from idp.services import Services

log = logging.getLogger(__name__)
# How long a logout page waits for a front-channel iframe that does not load before it
# continues anyway (to the RP's post_logout_redirect_uri or the SAML answer); node
# oidc-provider and Keycloak bound it likewise.
FRONTCHANNEL_WAIT_MS = 3000


def end_session(
    services: Services, *, token: str | None = None, sid: str | None = None, actor: Actor,
    initiator: str = "user", client_id: str | None = None,
) -> SsoSession | None:
    """End one session (by cookie token or sid) and audit LOGOUT; None if none was live."""
    ended = services.sessions.end(token=token, sid=sid, context={"initiator": initiator})
    if ended is not None:
        with services.db.begin() as db:
            record(db, EventType.LOGOUT, actor=actor, account_id=ended.account_id,
                   username=ended.username, client_id=client_id, sid=ended.sid,
                   initiator=initiator)
    return ended


def frontchannel_urls(services: Services, session: SsoSession, *,
                      skip: Collection[str] = ()) -> list[str]:
    """Every registered protocol's front-channel logout URLs for the session, in registration
    order, except the protocols in ``skip`` (a SAML-started logout visits the SAML SPs in its
    own chain). Call before ending the session. A broken source is logged and skipped: it
    must not stop the logout itself (the session still ends, the back channels still run)."""
    urls: list[str] = []
    for protocol, source in services.sessions.frontchannel_sources.items():
        if protocol in skip:
            continue
        try:
            urls += source(session)
        except Exception:  # a broken SP or client record: log it, log the person out anyway
            log.exception("front-channel logout URLs (%s) failed", protocol)
    return urls
