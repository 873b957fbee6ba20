"""Store on Redis: shared by every node, expiry by Redis itself.

Every command waits at most ``timeout`` seconds to connect and to be answered; a connection
found broken (Redis restarted) is replaced and the command sent once more. Any other failure
to get an answer is raised as ``StoreUnavailable``; a timeout is never retried: a GETDEL or an
INCR whose answer is late may have run, and running it twice would lose a code or count a
failure twice.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

import redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import MasterDownError, OutOfMemoryError, ReadOnlyError
from redis.retry import Retry

from idp.store.errors import StoreUnavailable

# Unreachable or silent, or up but refusing writes (a replica after failover, maxmemory).
_UNAVAILABLE = (redis.ConnectionError, redis.TimeoutError, ReadOnlyError, OutOfMemoryError,
                MasterDownError)
_T = TypeVar("_T", bound=Callable)


def _guarded(method: _T) -> _T:
    @functools.wraps(method)
    def call(self, *args):
        try:
            return method(self, *args)
        except _UNAVAILABLE as exc:
            raise StoreUnavailable(f"Redis: {exc}") from exc
        except redis.ResponseError as exc:  # MISCONF: it cannot persist, so it takes no writes
            if str(exc).startswith("MISCONF"):
                raise StoreUnavailable(f"Redis: {exc}") from exc
            raise

    return call  # type: ignore[return-value]

# INCR then set the expiry only on the first increment, atomically.
_INCR = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""
# Compare-and-set in one step: no other command runs between the GET and the SET.
_SWAP = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0
"""


class RedisStore:
    def __init__(self, client: redis.Redis, prefix: str = "") -> None:
        self.client = client
        self.prefix = prefix
        self._incr = client.register_script(_INCR)
        self._swap = client.register_script(_SWAP)

    @classmethod
    def from_url(cls, url: str, prefix: str = "", timeout: float = 2) -> RedisStore:
        """A store on the Redis at url; each command waits at most ``timeout`` seconds."""
        client = redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=timeout, socket_connect_timeout=timeout,
            socket_keepalive=True,
            # An idle pooled connection is PINGed before reuse, so a half-open one (Redis
            # restarted behind a NAT that dropped the reset) is replaced, not waited on.
            health_check_interval=30,
            # A connection error is retried once on a new connection: almost always a pooled
            # connection that a restarted Redis closed, so a restart costs no request. Never a
            # timeout (the command may have run) and no long backoff (redis-py's default
            # retries three times, for up to 10 s).
            retry=Retry(ExponentialBackoff(cap=0.1, base=0.02), 1,
                        supported_errors=(redis.ConnectionError,)),
        )
        return cls(client, prefix)

    def persistence_warning(self) -> str | None:
        """Why entries would not survive a restart of this Redis (README "Production"), or
        None when its append-only file is on."""
        try:
            config = {**self.client.config_get("append*"), **self.client.config_get("save")}
        except redis.ResponseError as exc:  # NOPERM, or CONFIG renamed away (managed Redis)
            return (f"could not check the Store's Redis persistence (CONFIG GET refused: {exc});"
                    " SSO sessions survive a Redis restart only with appendonly yes")
        except _UNAVAILABLE as exc:
            return f"could not check the Store's Redis persistence ({exc})"
        if config.get("appendonly") != "yes":
            snapshots = "only RDB snapshots" if config.get("save") else "no persistence at all"
            return (f"the Store's Redis has appendonly no ({snapshots}): a Redis restart logs "
                    "everyone out; set appendonly yes and appendfsync everysec")
        if config.get("appendfsync") == "no":
            return ("the Store's Redis has appendfsync no: a host crash can lose up to ~30 s of "
                    "SSO sessions; set appendfsync everysec")
        return None

    @_guarded
    def get(self, key: str) -> str | None:
        return self.client.get(self.prefix + key)

    @_guarded
    def put(self, key: str, value: str, ttl: int) -> None:
        self.client.set(self.prefix + key, value, ex=max(1, ttl))

    @_guarded
    def add(self, key: str, value: str, ttl: int) -> bool:
        return bool(self.client.set(self.prefix + key, value, ex=max(1, ttl), nx=True))

    @_guarded
    def take(self, key: str) -> str | None:
        return self.client.getdel(self.prefix + key)

    @_guarded
    def swap(self, key: str, expected: str, new: str, ttl: int) -> bool:
        return bool(self._swap(keys=[self.prefix + key], args=[expected, new, max(1, ttl)]))

    @_guarded
    def incr(self, key: str, ttl: int) -> int:
        return int(self._incr(keys=[self.prefix + key], args=[max(1, ttl)]))

    @_guarded
    def delete(self, key: str) -> None:
        self.client.delete(self.prefix + key)
