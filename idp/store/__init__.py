"""The ephemeral Store: SSO sessions, codes, counters, replay caches, one-time values.

Two backends honour one contract (``tests/store``): Redis for many nodes, the SQL database
for the embedded default. Values are strings; every entry has a time to live in seconds.
When the backend cannot answer in time every method raises (``StoreUnavailable`` on Redis, the
database's own errors on SQL); callers let it rise and the web layer answers 503.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

from idp.settings import Settings
from idp.store.errors import StoreUnavailable as StoreUnavailable  # the Store's one error


class Store(Protocol):
    def get(self, key: str) -> str | None:
        """The live value under key, or None."""

    def put(self, key: str, value: str, ttl: int) -> None:
        """Set key to value, replacing any value, expiring after ttl seconds."""

    def add(self, key: str, value: str, ttl: int) -> bool:
        """Set key only if it holds no live value; True when this call set it."""

    def take(self, key: str) -> str | None:
        """Atomically get and delete: of concurrent takers exactly one sees the value."""

    def swap(self, key: str, expected: str, new: str, ttl: int) -> bool:
        """Compare-and-set: set key to new (expiring after ttl seconds) only while its live
        value is exactly expected; True when this call set it. A missing or expired key is
        never set. A read-modify-write loops get, change, swap until a swap succeeds, so a
        concurrent writer's change is re-read instead of overwritten."""

    def incr(self, key: str, ttl: int) -> int:
        """Add one to a counter and return it; a new counter lives ttl seconds."""

    def delete(self, key: str) -> None:
        """Remove key if present."""


def make_store(settings: Settings, database) -> Store:
    """Redis when IDP_REDIS_URL is set, otherwise the SQL database."""
    if settings.redis_url:
        from idp.store.redis_store import RedisStore

        return RedisStore.from_url(settings.redis_url, prefix=settings.store_prefix,
                                   timeout=settings.redis_timeout_seconds)
    from idp.store.sql_store import SqlStore

    return SqlStore(database, prefix=settings.store_prefix)


def persistence_warning(settings: Settings) -> str | None:
    """Why SSO sessions in the Store would not survive a restart of its server, or None.
    The SQL Store is as durable as the database; Redis needs its append-only file (on a
    Cluster, every master's)."""
    if not settings.redis_url:
        return None
    from idp.store.redis_store import RedisStore

    store = RedisStore.from_url(settings.redis_url, timeout=settings.redis_timeout_seconds)
    try:
        return store.persistence_warning()
    finally:
        store.close()


def get_json(store: Store, key: str) -> Any:
    raw = store.get(key)
    return None if raw is None else json.loads(raw)


def put_json(store: Store, key: str, value: Any, ttl: int) -> None:
    store.put(key, json.dumps(value, separators=(",", ":")), ttl)


def take_json(store: Store, key: str) -> Any:
    raw = store.take(key)
    return None if raw is None else json.loads(raw)


# Compare-and-set attempts per change: each failure means another writer's change landed, so
# only that many concurrent writers to one entry can exhaust them.
_TRIES = 10


def change(store: Store, key: str, mutate: Callable[[str | None], tuple[str, int] | None]) -> bool:
    """Read-modify-write of one entry that loses no concurrent writer's change.

    ``mutate`` maps the current value (None when absent) to (new value, ttl), or to None to
    write nothing. The write is ``add`` or ``swap``; when another writer got there first,
    ``mutate`` runs again on the newer value. True when this call wrote.
    """
    for _ in range(_TRIES):
        raw = store.get(key)
        new = mutate(raw)
        if new is None:
            return False
        value, ttl = new
        if store.add(key, value, ttl) if raw is None else store.swap(key, raw, value, ttl):
            return True
    raise RuntimeError(f"{key!r} changed concurrently {_TRIES} times in a row")
