"""On the Cluster and behind Sentinel as on one server: a master that stops answering fails the
command with StoreUnavailable (a 503 for the request) instead of holding it, and a failed login
counter is never counted twice (redis-py's Cluster client would retry a timed-out command; the
Store's does not, as a late INCR may still have run)."""

from __future__ import annotations

import secrets
import signal
import time

import pytest
from redis_topologies import wait_until

from idp.store import StoreUnavailable
from idp.store.redis_store import RedisStore


def _read(store: RedisStore, key: str) -> str | None:
    try:
        return store.get(key)
    except StoreUnavailable:
        return None


def test_a_silent_master_fails_the_command_once_and_it_runs_at_most_once(topology):
    store = RedisStore.from_url(topology.url, prefix=f"t{secrets.token_hex(4)}:", timeout=0.3)
    assert store.incr("bf:n:a:acct", 60) == 1
    master = topology.node(topology.master_of(store.prefix + "bf:n:a:acct"))
    # Stopped for less than the 1 s after which its replica would take over.
    master.process.send_signal(signal.SIGSTOP)
    try:
        with pytest.raises(StoreUnavailable):
            store.incr("bf:n:a:acct", 60)
    finally:
        master.process.send_signal(signal.SIGCONT)
    time.sleep(0.3)  # the woken master runs what was sent to it
    # Once if the late INCR ran, never twice: a retry would have made it 3. (Were the machine
    # so slow that the replica took over meanwhile, reads wait for it.)
    assert wait_until(lambda: _read(store, "bf:n:a:acct"), "no answer") in ("1", "2")
    store.close()
