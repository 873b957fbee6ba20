"""Many nodes, one state: two `idp serve` nodes on one PostgreSQL and one Redis behind HAProxy.

Each test gets its own cluster (the crash test kills a node): a database of the run's
PostgreSQL, its own key prefix in the shared Redis, a person and a relying party, both nodes
started at once (as a deployment's would), then the balancer. The helpers live in
multinode_helpers.py.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

# Test modules import multinode_helpers by name, under any pytest import mode.
sys.path.insert(0, str(Path(__file__).parent))

from multinode_helpers import (  # noqa: E402
    BYE,
    HAPROXY,
    PASSWORD,
    REDIRECT,
    Balancer,
    Cluster,
    Node,
)

from tests.conftest import REDIS_URL  # noqa: E402

if not Path(HAPROXY).exists():  # scripts/test.sh installs it
    pytest.skip("needs HAProxy (apt-get install haproxy)", allow_module_level=True)


@pytest.fixture
def backend() -> str:
    """Many nodes share PostgreSQL: the suite's SQL fixtures pick it through this name."""
    return "postgres"


def _seed(settings) -> tuple[str, str, str]:
    """A citizen and a first-party relying party with refresh tokens and a logout return."""
    from clients.registry import register_client
    from idp.accounts import service
    from idp.accounts.identity_numbers import id_number_check_char
    from idp.audit import SYSTEM_ACTOR
    from idp.services import Services

    services = Services.build(settings, upgrade=False)
    try:
        first17 = "11010519800101123"
        service.create_person(
            services, SYSTEM_ACTOR, username="zhangsan", password=PASSWORD, name="张三",
            id_number=first17 + id_number_check_char(first17), assurance_level=2)
        client, secret = register_client(services, {
            "client_name": "社保查询", "redirect_uris": [REDIRECT], "first_party": True,
            "scope": "openid profile offline_access",
            "grant_types": ["authorization_code", "refresh_token"],
            "post_logout_redirect_uris": [BYE]}, SYSTEM_ACTOR)
    finally:
        services.db.dispose()
    return "zhangsan", client.client_id, secret


@pytest.fixture
def cluster(settings, idp_env, tmp_path) -> Iterator[Cluster]:
    balancer = Balancer(tmp_path)
    settings = replace(settings, issuer=balancer.url, redis_url=REDIS_URL)
    username, client_id, secret = _seed(settings)
    env = idp_env(IDP_ISSUER=balancer.url, IDP_REDIS_URL=REDIS_URL,
                  IDP_TRUSTED_PROXIES="1")  # the balancer's X-Forwarded-For names the client
    nodes: dict[str, Node] = {}
    try:
        for name in ("a", "b"):
            data = tmp_path / f"node-{name}"
            data.mkdir()
            nodes[name] = Node(name, {**env, "IDP_DATA_DIR": str(data)},
                               tmp_path / f"node-{name}.log")
        for node in nodes.values():
            node.wait_healthy()
        balancer.start(list(nodes.values()))
        yield Cluster(balancer, nodes, username, client_id, secret, env)
    finally:
        balancer.stop()
        for node in nodes.values():
            node.stop()
