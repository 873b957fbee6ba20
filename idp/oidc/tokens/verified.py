"""Access tokens whose signature this process has already checked, until they expire.

A resource server introspects the same token on each call it serves, and every check of an
ES256 signature costs about 0.15 ms of CPU here. The result for the same bytes never changes,
so the claims of a token that verified are kept (per signing-key service, bounded) and only
its expiry is checked again. Revocation is not cached: callers look it up on every request.
"""

from __future__ import annotations

import threading
from typing import Any
from weakref import WeakKeyDictionary

MAX_TOKENS = 4096  # about 8 MB at most; a full cache starts afresh

_caches: WeakKeyDictionary[Any, dict[str, dict[str, Any]]] = WeakKeyDictionary()
_lock = threading.Lock()


def claims_of(owner: Any, token: str) -> dict[str, Any] | None:
    """The claims cached for token under owner (the signing-key service, whose clock says
    whether it expired), if unexpired."""
    claims = _caches.get(owner, {}).get(token)
    if claims is None or claims["exp"] <= owner.now().timestamp():
        return None
    return dict(claims)


def remember(owner: Any, token: str, claims: dict[str, Any]) -> None:
    with _lock:
        cache = _caches.setdefault(owner, {})
        if len(cache) >= MAX_TOKENS:
            cache.clear()
        cache[token] = dict(claims)
