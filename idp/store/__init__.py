"""The ephemeral Store: SSO sessions, codes, counters, replay caches, one-time values.

Two backends honour one contract (``tests/store``): Redis for many nodes, the SQL database
for the embedded default. Values are strings; every entry has a time to live in seconds.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from idp.settings import Settings


class Store(Protocol):
    def get(self, key: str) -> str | None:
        """The live value under key, or None."""

    def put(self, key: str, value: str, ttl: int) -> None:
        """Set key to value, replacing any value, expiring after ttl seconds."""

    def add(self, key: str, value: str, ttl: int) -> bool:
        """Set key only if it holds no live value; True when this call set it."""

    def take(self, key: str) -> str | None:
        """Atomically get and delete: of concurrent takers exactly one sees the value."""

    def incr(self, key: str, ttl: int) -> int:
        """Add one to a counter and return it; a new counter lives ttl seconds."""

    def delete(self, key: str) -> None:
        """Remove key if present."""


def make_store(settings: Settings, database) -> Store:
    """Redis when IDP_REDIS_URL is set, otherwise the SQL database."""
    if settings.redis_url:
        from idp.store.redis_store import RedisStore

        return RedisStore.from_url(settings.redis_url, prefix=settings.store_prefix)
    from idp.store.sql_store import SqlStore

    return SqlStore(database, prefix=settings.store_prefix)


def get_json(store: Store, key: str) -> Any:
    raw = store.get(key)
    return None if raw is None else json.loads(raw)


def put_json(store: Store, key: str, value: Any, ttl: int) -> None:
    store.put(key, json.dumps(value, separators=(",", ":")), ttl)


def take_json(store: Store, key: str) -> Any:
    raw = store.take(key)
    return None if raw is None else json.loads(raw)
