"""Single logout across an upstream, from the records of ``federation.upstream_sessions``:

- Our session ends: its upstream's logout URL (OIDC ``end_session_endpoint`` with
  ``id_token_hint``, or the source's own ``end_session_url``) joins the logout page's
  front-channel chain (``frontchannel_urls``), as our own OIDC clients' do.
- The upstream's OpenID Back-Channel Logout 1.0 token ends ours (``backchannel_logout``): by its
  ``sid`` when we know that upstream session, else every session of the linked ``sub`` that
  came from this upstream. A ``jti`` is accepted once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from federation.contract import SourceRefused
from federation.linking import accounts_linked
from federation.upstream_sessions import forget, logout_hint, upstream_of
from federation.upstreams import build, enabled_upstream
from idp.audit import Actor
from idp.sso.logout import end_session

if TYPE_CHECKING:
    from idp.services import Services
    from idp.sso.session import SsoSession

JTI_SECONDS = 15 * 60  # longer than a logout token is accepted (id_token.MAX_AGE + leeway)


def frontchannel_urls(services: Services, session: SsoSession) -> list[str]:
    """The upstream's RP-initiated logout URL for the logout page to load, if it offers one."""
    kept = upstream_of(services, session.sid)
    hint = logout_hint(services, kept) if kept else None
    if not hint:
        return []
    try:
        source = build(services, enabled_upstream(services, kept["source"]))
    except SourceRefused:
        return []
    url_of = getattr(source, "end_session_url", None)
    url = url_of(hint) if url_of else None
    return [url] if url else []


def backchannel_logout(services: Services, name: str, logout_token: str, *,
                       actor: Actor) -> int:
    """End the sessions a verified logout token names; how many. SourceRefused when the token
    fails a check of §2.6 (or was seen before), SourceUnavailable when the JWKS is out of
    reach."""
    source = build(services, enabled_upstream(services, name))
    verify = getattr(source, "logout_subject", None)
    if verify is None:
        raise SourceRefused("back-channel logout not supported", f"{name} is not OIDC")
    subject, upstream_sid, jti = verify(logout_token)
    if not services.store.add(f"fed-jti:{name}:{jti[:128]}", "1", JTI_SECONDS):
        raise SourceRefused("logout token replayed", "jti seen before")
    sids: list[str] = []
    known = services.store.get(f"fed-sid:{name}:{upstream_sid[:128]}") if upstream_sid else None
    if known:
        sids.append(known)
    elif subject:
        for account_id in accounts_linked(services, name, subject):
            sids += [s.sid for s in services.sessions.for_account(account_id)
                     if (upstream_of(services, s.sid) or {}).get("source") == name]
    ended = 0
    for sid in sids:
        if end_session(services, sid=sid, actor=actor, initiator=f"upstream:{name}"[:48]):
            ended += 1
    return ended


def install(services: Services) -> None:
    """Once per app: the front-channel source and the end listener."""
    sessions = services.sessions
    sessions.frontchannel_sources["upstream"] = lambda s: frontchannel_urls(services, s)
    if not any(getattr(f, "upstream_forget", False) for f in sessions.end_listeners):
        def listener(session: SsoSession, context: Any = None) -> None:
            forget(services, session, context)

        listener.upstream_forget = True  # type: ignore[attr-defined]
        sessions.end_listeners.append(listener)
