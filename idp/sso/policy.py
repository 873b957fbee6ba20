"""Login policy: an ordered list of named checks (as node oidc-provider's prompts/login.js).

The first check that fails names why the user must (re-)authenticate; protocols turn the name
into their own answer (OIDC ``login_required`` for prompt=none, SAML ``NoPassive``...).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from idp.sso.session import SsoSession


@dataclass(frozen=True)
class LoginRequirements:
    force_login_after: int | None = None  # auth_time must be at least this (prompt=login)
    max_age: int | None = None  # seconds since auth_time (OIDC max_age)
    min_level: int = 1  # assurance level (acr) the relying party needs
    account_id: str | None = None  # must be this account (id_token_hint)


Check = Callable[[SsoSession | None, LoginRequirements, int], bool]


def _no_session(session, _req, _now) -> bool:
    return session is None


def _forced(session, req, _now) -> bool:
    return req.force_login_after is not None and session.auth_time < req.force_login_after


def _max_age(session, req, now) -> bool:
    return req.max_age is not None and now - session.auth_time > req.max_age


def _level(session, req, _now) -> bool:
    return session.level < req.min_level


def _other_account(session, req, _now) -> bool:
    return req.account_id is not None and session.account_id != req.account_id


CHECKS: list[tuple[str, Check]] = [
    ("no_session", _no_session),
    ("other_account", _other_account),
    ("force_login", _forced),
    ("max_age", _max_age),
    ("insufficient_level", _level),
]


def login_needed(
    session: SsoSession | None, requirements: LoginRequirements, now: int | None = None
) -> str | None:
    """The name of the first failing check, or None when the session satisfies the request."""
    now = now or int(time.time())
    for name, check in CHECKS:
        if check(session, requirements, now):
            return name
    return None
