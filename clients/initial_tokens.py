"""RFC 7591 §3 initial access tokens: bearer tokens an administrator hands to a registrant.

Kept in the Store under a hash of the token (a Store dump yields no usable token), with an
expiry; single-use by default (taken atomically, so two registrations cannot share one).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import TYPE_CHECKING

from idp.audit import Actor, EventType, record

if TYPE_CHECKING:
    from idp.services import Services

_PREFIX = "clients:iat:"
DEFAULT_TTL = 24 * 3600
MAX_TTL = 90 * 86400


def _key(token: str) -> str:
    return _PREFIX + hashlib.sha256(token.encode()).hexdigest()


def issue_initial_access_token(
    services: Services, actor: Actor | None, *, ttl: int = DEFAULT_TTL, single_use: bool = True
) -> str:
    """A new token valid for ttl seconds (shown once). Audited without the token."""
    if not 1 <= ttl <= MAX_TTL:
        raise ValueError(f"ttl must be from 1 to {MAX_TTL} seconds")
    token = secrets.token_urlsafe(32)
    services.store.put(_key(token), json.dumps({"single_use": single_use}), ttl)
    with services.db.begin() as session:
        record(session, EventType.ADMIN_ACTION, actor=actor, action="initial_access_token",
               ttl=ttl, single_use=single_use)
    return token


def initial_access_token_valid(services: Services, token: str | None) -> bool:
    """True when token is live (without using it up)."""
    return bool(token) and services.store.get(_key(token)) is not None


def use_initial_access_token(services: Services, token: str | None) -> bool:
    """Spend the token: True when it was live (and, if single-use, this call took it)."""
    if not token:
        return False
    raw = services.store.get(_key(token))
    if raw is None:
        return False
    if json.loads(raw).get("single_use", True):
        return services.store.take(_key(token)) is not None
    return True
