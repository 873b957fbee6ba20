"""redis-py clients for the Store's three kinds of Redis, all on the same waiting rules.

Every command waits at most ``timeout`` seconds to connect and to be answered. A connection
found broken is replaced and the command sent once more; a timeout is never retried, since a
GETDEL or an INCR whose answer is late may have run. On a Cluster a broken connection also
refreshes the slot map, so the retry goes to whichever node holds the slot now; on Sentinel the
new connection asks the Sentinels where the master is now, and a write answered READONLY by a
demoted master counts as a broken connection.
"""

from __future__ import annotations

from collections.abc import Callable

import redis
from redis.backoff import ExponentialBackoff
from redis.cluster import ClusterNode, RedisCluster
from redis.exceptions import ClusterDownError, SlotNotCoveredError
from redis.retry import Retry
from redis.sentinel import Sentinel

from idp.store.redis_urls import RedisTarget


def _retry_once() -> Retry:
    # No long backoff: redis-py's default retries three times, for up to 10 s.
    return Retry(ExponentialBackoff(cap=0.1, base=0.02), 1,
                 supported_errors=(redis.ConnectionError,))


def _bounded(timeout: float) -> dict:
    return {
        "socket_timeout": timeout, "socket_connect_timeout": timeout, "socket_keepalive": True,
        # An idle pooled connection is PINGed before reuse, so a half-open one (Redis restarted
        # behind a NAT that dropped the reset) is replaced, not waited on.
        "health_check_interval": 30,
    }


class BoundedCluster(RedisCluster):
    """RedisCluster retrying as the Store's other clients do: redis-py's also retries a
    timeout, which could run a command twice. A cluster in failover (CLUSTERDOWN, a slot with
    no master yet) is asked once more after the new slot map, then the caller answers 503."""

    ERRORS_ALLOW_RETRY = (redis.ConnectionError, ClusterDownError, SlotNotCoveredError)


def connector(target: RedisTarget, timeout: float) -> Callable[[], redis.Redis | RedisCluster]:
    """A function that builds the client (a Cluster client reads the slot map from a node as
    it is built, so the Store builds it on first use, not at start-up)."""
    if target.kind == "server":
        return lambda: redis.Redis.from_url(target.url, decode_responses=True,
                                            retry=_retry_once(), **_bounded(timeout))
    tls = {"ssl": True, "ssl_ca_certs": target.ssl_ca_certs} if target.tls else {}
    credentials = {"username": target.username, "password": target.password}
    if target.kind == "cluster":
        return lambda: BoundedCluster(
            startup_nodes=[ClusterNode(host, port) for host, port in target.nodes],
            decode_responses=True, retry=_retry_once(),
            # A failed command asks for a new slot map; redis-py makes it at most once a
            # second, so the first requests after a replica's promotion still went to the dead
            # master: 0.25 s ends a failover's 503s ~0.4 s sooner (bench/store_failover.py).
            topology_refresh_min_interval=0.25,
            **credentials, **tls, **_bounded(timeout))
    return lambda: _sentinel_master(target, timeout, credentials, tls)


def _sentinel_master(target: RedisTarget, timeout: float, credentials: dict,
                     tls: dict) -> redis.Redis:
    sentinel = Sentinel(
        list(target.nodes),
        sentinel_kwargs={"username": target.sentinel_username,
                         "password": target.sentinel_password,
                         "socket_timeout": timeout, "socket_connect_timeout": timeout, **tls})
    return sentinel.master_for(target.service, db=target.db, decode_responses=True,
                               retry=_retry_once(), **credentials, **tls, **_bounded(timeout))
