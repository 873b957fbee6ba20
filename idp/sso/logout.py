"""Ending an SSO session on purpose, audited: the account page's logout button, "end that
session" on the account page, and switching accounts. Protocol logout endpoints may call it too.

``services.sessions.end`` runs the end listeners (OIDC back-channel, SAML single logout), so
the session ends everywhere it lives.
"""

from __future__ import annotations

from idp.audit import Actor, EventType, record
from idp.sso.session import SsoSession


def end_session(
    services, *, token: str | None = None, sid: str | None = None, actor: Actor,
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
