"""The Store on a Redis Cluster and behind Sentinel: the cost of a Store call on each, and what a
kill -9 of the master holding a key costs its readers (how long they get StoreUnavailable, i.e.
503, and the longest single call while they do).

    .venv/bin/python bench/store_failover.py [--runs 3] [--calls 2000]

The servers are the test suite's (tests/store_cluster/redis_topologies.py): a 3-master Cluster
with a replica each and cluster-node-timeout 1000 ms; a master, a replica and three Sentinels
with down-after-milliseconds 1000; plus one plain redis-server for comparison. The Store's
timeout is the default 2 s.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "store_cluster"))

from machine import machine  # noqa: E402
from redis_topologies import Cluster, Node, SentinelSet, free_ports  # noqa: E402

from idp.store import StoreUnavailable  # noqa: E402
from idp.store.redis_store import RedisStore  # noqa: E402


def per_call_us(store: RedisStore, calls: int) -> dict[str, tuple[float, float]]:
    """(wall-clock µs, µs of this process's CPU) per Store get and per Store incr (a Lua
    script) on one thread. The CPU figure is the node's cost and barely moves with the load of
    a shared machine; the wall-clock one includes the servers and moves a lot."""
    store.put("k", "v", 600)
    found = {}
    for name, call in (("get", lambda: store.get("k")), ("incr", lambda: store.incr("n", 600))):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(calls):
            call()
        found[name] = ((time.perf_counter() - wall) / calls * 1e6,
                       (time.process_time() - cpu) / calls * 1e6)
    return found


def failover(topology, url: str) -> tuple[float, int, float, bool]:
    """kill -9 the master of a fresh key, then read it every 50 ms until a read succeeds:
    (seconds of StoreUnavailable, failed reads, longest single read in s, value survived)."""
    store = RedisStore.from_url(url, prefix=f"b{secrets.token_hex(4)}:")
    store.put("sso:session", "kept", 600)
    killed = topology.kill_master_of(store.prefix + "sso:session")
    first_failure, failures, longest, value = None, 0, 0.0, None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            value = store.get("sso:session")
        except StoreUnavailable:
            failures += 1
            first_failure = first_failure or started
            longest = max(longest, time.monotonic() - started)
            time.sleep(0.05)
            continue
        longest = max(longest, time.monotonic() - started)
        break
    down = time.monotonic() - first_failure if first_failure else 0.0
    store.close()
    topology.recover(killed)
    return down, failures, longest, value == "kept"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="yiwang-store-failover-") as directory:
        plain = Node(Path(directory) / "plain", free_ports(1)[0], "--save", "",
                     "--appendonly", "no")
        cluster, sentinels = Cluster(Path(directory) / "cluster"), \
            SentinelSet(Path(directory) / "sentinel")
        try:
            plain.start()
            cluster.start()
            sentinels.start()
            urls = {"one server": f"redis://127.0.0.1:{plain.port}/0",
                    "cluster": cluster.url, "sentinel": sentinels.url}
            for name, url in urls.items():
                store = RedisStore.from_url(url, prefix=f"b{secrets.token_hex(4)}:")
                costs = per_call_us(store, args.calls)
                store.close()
                print(f"{name:10s} " + ", ".join(
                    f"Store.{call} {wall:5.0f} µs wall / {cpu:4.0f} µs CPU"
                    for call, (wall, cpu) in costs.items()) + f" (mean of {args.calls})")
            for name, topology in (("cluster", cluster), ("sentinel", sentinels)):
                for run in range(1, args.runs + 1):
                    down, failures, longest, kept = failover(topology, urls[name])
                    print(f"{name:10s} failover run {run}: StoreUnavailable for {down:.2f} s "
                          f"({failures} reads), longest read {longest * 1000:.0f} ms, "
                          f"session {'kept' if kept else 'LOST'}")
        finally:
            sentinels.stop()
            cluster.stop()
            plain.stop()


if __name__ == "__main__":
    main()
