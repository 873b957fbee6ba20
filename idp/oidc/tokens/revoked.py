"""The list of revoked access tokens: a ``jti`` stays listed in the Store until the token would
have expired anyway (RFC 7009 §2, RFC 7662 §2.2), so every node refuses it at once.

A module of its own, below ``access_tokens`` and ``grants.refresh_tokens``: both revoke through it
(a refresh-token family takes its grant's access tokens with it, RFC 7009 §2.1).
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from idp.store import Store


def revoke_jti(store: Store, jti: str, exp: int) -> None:
    ttl = int(exp - time.time())
    if ttl > 0:
        store.put(f"oidc-revoked:{jti}", "1", ttl)


def revoke_all(store: Store, issued: Iterable[tuple[str, int]]) -> None:
    for jti, exp in issued:
        revoke_jti(store, jti, exp)


def is_revoked(store: Store, jti: str | None) -> bool:
    return not jti or store.get(f"oidc-revoked:{jti}") is not None
