"""Turning a finished authentication into the browser's SSO session.

A login with a live session for the same account re-authenticates it (same ``sid``, fresh
``auth_time``: what prompt=login, max_age and ForceAuthn check); a login as another account
ends the old session first, so its relying parties are logged out (end listeners).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from idp.audit import Actor
from idp.sso.logout import end_session
from idp.sso.session import SsoSession

if TYPE_CHECKING:
    from idp.services import Services


def establish_session(
    services: Services, current: tuple[str, SsoSession] | None, *, account_id: str, username: str,
    level: int, amr: list[str], door: str, actor: Actor, upstream: str | None = None,
    now: int | None = None,
) -> tuple[str, SsoSession]:
    """The (cookie token, session) the browser holds after this login; ``upstream``: the
    upstream identity provider it came through (issue 15), None for a local login."""
    now = now or int(time.time())
    sessions = services.sessions
    if current is not None:
        token, session = current
        if session.account_id == account_id:
            if door == "person":
                session.acting_for = None  # the person door acts for nobody
            sessions.reauthenticate(token, session, level=level, amr=amr, upstream=upstream,
                                    now=now)
            return token, session
        end_session(services, token=token, actor=actor, initiator="switch_account")
    return sessions.create(account_id=account_id, username=username, level=level, amr=amr,
                           upstream=upstream, now=now)


# RFC 8176 methods that are a second factor: an authenticator app's code, or a passkey (after
# the password, or alone with user verification: idp/authn/passkeys/methods.py).
SECOND_FACTOR_METHODS = frozenset({"otp", "hwk", "swk"})


def level_after(person_level: int, amr: list[str]) -> int:
    """The session's assurance level: the person's, or L3 when a second factor was used on
    top of a real-name verified (L2) account (DESIGN.md, identity model). Identity proofing
    is never raised by a factor: a level-1 person stays at level 1 whatever they used."""
    if SECOND_FACTOR_METHODS & set(amr) and person_level >= 2:
        return 3
    return person_level
