"""A real Redis Cluster and a real Sentinel set for the folder (started once, stopped at the
end), and the app's settings on either: ``topology`` parametrises a test over both."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

# Test modules import redis_topologies by name, under any pytest import mode.
sys.path.insert(0, str(Path(__file__).parent))

from redis_topologies import REDIS_CLI, REDIS_SERVER, Cluster, SentinelSet  # noqa: E402

if REDIS_SERVER is None or REDIS_CLI is None:  # scripts/test.sh installs both
    pytest.skip("needs redis-server and redis-cli", allow_module_level=True)


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory):
    cluster = Cluster(tmp_path_factory.mktemp("redis-cluster"))
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def redis_sentinel(tmp_path_factory):
    sentinels = SentinelSet(tmp_path_factory.mktemp("redis-sentinel"))
    try:
        sentinels.start()
        yield sentinels
    finally:
        sentinels.stop()


@pytest.fixture(params=["cluster", "sentinel"])
def topology(request):
    """The Redis Cluster or the Sentinel set."""
    return request.getfixturevalue(f"redis_{request.param}")


@pytest.fixture
def settings(settings, topology):
    """The app's Store on the topology, with 1 s Redis timeouts (as tests/outages)."""
    return replace(settings, redis_url=topology.url, redis_timeout_seconds=1)
