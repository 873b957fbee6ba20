"""The Store's one contract (tests/store/test_store_contract.py) holds on a real Redis Cluster and
through Sentinel; on the Cluster its keys spread over every master (no hash tag piles them onto
one), and nothing outside idp/store talks to Redis but through the Store's single-key methods,
so no operation can span two hash slots."""

from __future__ import annotations

import ast
import secrets
import sys
from pathlib import Path

import pytest

from idp.store.redis_store import RedisStore

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "store"))

import test_store_contract as contract  # noqa: E402

# The contract's tests, run here on this folder's ``store`` fixture.
globals().update({name: test for name, test in vars(contract).items()
                  if name.startswith("test_")})


@pytest.fixture
def store(topology):
    store = RedisStore.from_url(topology.url, prefix=f"t{secrets.token_hex(4)}:", timeout=1)
    yield store
    store.client.close()


def test_a_cluster_spreads_the_stores_keys_over_all_three_masters(redis_cluster):
    store = RedisStore.from_url(redis_cluster.url, prefix=f"t{secrets.token_hex(4)}:")
    keys = [f"sso:{secrets.token_urlsafe(24)}" for _ in range(30)]
    for key in keys:
        store.put(key, "session", 60)
    holders = {redis_cluster.master_of(store.prefix + key) for key in keys}
    assert holders == set(redis_cluster.masters())
    assert all(store.get(key) == "session" for key in keys)
    store.client.close()


# redis-py calls that touch several keys, or keys Redis must find by pattern: on a Cluster
# they fail with CROSSSLOT unless every key shares one hash tag.
_MULTI_KEY = {"pipeline", "transaction", "mget", "mset", "msetnx", "rename", "renamenx",
              "eval", "evalsha", "register_script", "keys", "scan", "scan_iter", "watch",
              "sunionstore", "sinterstore", "zunionstore", "zinterstore", "copy", "lmove"}


def test_only_the_store_speaks_to_redis_and_only_one_key_at_a_time():
    offenders = []
    for package in ("idp", "federation", "clients", "admin", "keys"):
        for path in (ROOT / package).rglob("*.py"):
            if path.is_relative_to(ROOT / "idp" / "store"):
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    names = [a.name for a in node.names] if isinstance(node, ast.Import) \
                        else [node.module or ""]
                    if any(n == "redis" or n.startswith("redis.") for n in names):
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} imports redis")
                elif isinstance(node, ast.Attribute) and node.attr in _MULTI_KEY and \
                        isinstance(node.value, ast.Attribute) and node.value.attr in (
                            "client", "store"):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
    assert offenders == []
