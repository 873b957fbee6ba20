"""Store on Redis: shared by every node, expiry by Redis itself.

One server, a Redis Cluster or a master behind Sentinel (``idp.store.redis_urls``), all on the
waiting rules of ``idp.store.redis_clients``: bounded waits, a broken connection replaced and
the command sent once more, a timeout never retried. Any failure to get an answer is raised as
``StoreUnavailable``.

Every method touches exactly one key, and each Lua script declares its one key, so on a Cluster
no command can span two hash slots (CROSSSLOT) and keys need no hash tags: tags would only pile
related keys onto one master. A multi-key operation added later must give its keys one hash
tag (``{sso:<sid>}:...``); ``tests/store_cluster`` keeps every caller on single-key methods.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TypeVar

import redis
from redis.cluster import RedisCluster
from redis.exceptions import (
    ClusterDownError,
    MasterDownError,
    OutOfMemoryError,
    ReadOnlyError,
    RedisClusterException,
    SlotNotCoveredError,
    TryAgainError,
)

from idp.store.errors import StoreUnavailable
from idp.store.redis_clients import connector
from idp.store.redis_urls import parse_redis_url

# Unreachable or silent, or up but refusing writes (a replica after failover, maxmemory), or a
# Cluster between a master's failure and its replica's promotion (CLUSTERDOWN, TRYAGAIN, a slot
# no node serves, no node answering at all: RedisClusterUnreachableError).
_UNAVAILABLE = (redis.ConnectionError, redis.TimeoutError, ReadOnlyError, OutOfMemoryError,
                MasterDownError, ClusterDownError, TryAgainError, SlotNotCoveredError,
                RedisClusterException)
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
    def __init__(self, connect: Callable[[], redis.Redis | RedisCluster], prefix: str = "",
                 cluster: bool = False) -> None:
        """connect builds the client; a Cluster's is built on first use (building it reads
        the slot map, and a Cluster down at start-up must mean 503s, not a node that cannot
        start), any other at once."""
        self.prefix = prefix
        self.cluster = cluster
        self._connect = connect
        self._lock = threading.Lock()
        self._client: redis.Redis | RedisCluster | None = None
        if not cluster:
            self._connected()

    @classmethod
    def from_url(cls, url: str, prefix: str = "", timeout: float = 2) -> RedisStore:
        """A store on the Redis, Cluster or Sentinel master at url (``redis_urls``); each
        command waits at most ``timeout`` seconds."""
        target = parse_redis_url(url)
        return cls(connector(target, timeout), prefix, cluster=target.kind == "cluster")

    @property
    def client(self) -> redis.Redis | RedisCluster:
        return self._client or self._connected()

    def _connected(self) -> redis.Redis | RedisCluster:
        with self._lock:
            if self._client is None:
                client = self._connect()
                self._incr = client.register_script(_INCR)
                self._swap = client.register_script(_SWAP)
                self._client = client
            return self._client

    def close(self) -> None:
        """Close the client's connections, if it was ever built."""
        if self._client is not None:
            self._client.close()

    def persistence_warning(self) -> str | None:
        """Why entries would not survive a restart of this Redis (docs/operating.md
        "Production"), or None when its append-only file is on. On a Cluster every master is
        asked."""
        try:
            configs = self._persistence_configs()
        except redis.ResponseError as exc:  # NOPERM, or CONFIG renamed away (managed Redis)
            return (f"could not check the Store's Redis persistence (CONFIG GET refused: {exc});"
                    " SSO sessions survive a Redis restart only with appendonly yes")
        except _UNAVAILABLE as exc:
            return f"could not check the Store's Redis persistence ({exc})"
        nodes_by_problem: dict[str, list[str]] = {}
        for node, config in sorted(configs.items()):
            problem = _persistence_problem(config)
            if problem:
                nodes_by_problem.setdefault(problem, []).append(node)
        if not self.cluster:
            return next(iter(nodes_by_problem), None)
        return "; ".join(f"{problem} (Cluster masters {', '.join(nodes)})"
                         for problem, nodes in nodes_by_problem.items()) or None

    def _persistence_configs(self) -> dict[str, dict[str, str]]:
        """CONFIG GET of each server that holds Store entries, by node name."""
        if not self.cluster:
            client = self.client
            return {"": {**client.config_get("append*"), **client.config_get("save")}}
        client = self.client
        appendonly = client.config_get("append*", target_nodes=RedisCluster.PRIMARIES)
        save = client.config_get("save", target_nodes=RedisCluster.PRIMARIES)
        return {node: {**config, **save.get(node, {})} for node, config in appendonly.items()}

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
        client = self.client  # built first: a Cluster's scripts come with it
        return bool(self._swap(keys=[self.prefix + key], args=[expected, new, max(1, ttl)],
                               client=client))

    @_guarded
    def incr(self, key: str, ttl: int) -> int:
        client = self.client
        return int(self._incr(keys=[self.prefix + key], args=[max(1, ttl)], client=client))

    @_guarded
    def delete(self, key: str) -> None:
        self.client.delete(self.prefix + key)


def _persistence_problem(config: dict[str, str]) -> str | None:
    """What in one server's CONFIG would lose SSO sessions on a restart, or None."""
    if config.get("appendonly") != "yes":
        snapshots = "only RDB snapshots" if config.get("save") else "no persistence at all"
        return (f"the Store's Redis has appendonly no ({snapshots}): a Redis restart logs "
                "everyone out; set appendonly yes and appendfsync everysec")
    if config.get("appendfsync") == "no":
        return ("the Store's Redis has appendfsync no: a host crash can lose up to ~30 s of "
                "SSO sessions; set appendfsync everysec")
    return None
