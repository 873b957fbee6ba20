"""Many nodes, one state: two `idp serve` nodes on one PostgreSQL and one Redis behind HAProxy.

A cluster is a database of its own on the run's PostgreSQL server, its own key prefix in the
shared Redis, a person and a relying party, both nodes started at once (as a deployment's
would), then the balancer. ``cluster`` is one for the whole folder, for tests that leave both
nodes standing; ``fresh_cluster`` is a test's own (the crash test kills a node). Starting one
costs several seconds, which is most of this folder's time. The helpers live in
multinode_helpers.py.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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

from idp.settings import Settings  # noqa: E402
from tests.conftest import CHEAP_ARGON2, PG_SERVER, REDIS_URL, TEST_KEK  # noqa: E402

if not Path(HAPROXY).exists():  # scripts/test.sh installs it
    pytest.skip("needs HAProxy (apt-get install haproxy)", allow_module_level=True)


@contextmanager
def _database() -> Iterator[str]:
    """A new, migrated PostgreSQL database, dropped afterwards."""
    from sqlalchemy import create_engine, text

    from idp.db import Database

    name = f"yiwang_multinode_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{PG_SERVER}/{name}"
    try:
        database = Database(url)
        database.upgrade()
        database.dispose()
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _seed(settings: Settings) -> tuple[str, str, str]:
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


@contextmanager
def _cluster(folder: Path) -> Iterator[Cluster]:
    balancer = Balancer(folder)
    nodes: dict[str, Node] = {}
    with _database() as url:
        settings = Settings(issuer=balancer.url, data_dir=folder, database_url=url,
                            redis_url=REDIS_URL, store_prefix=f"t{secrets.token_hex(4)}:",
                            kek=TEST_KEK, **CHEAP_ARGON2)
        username, client_id, secret = _seed(settings)
        env = {k: v for k, v in os.environ.items() if not k.startswith("IDP_")}
        env.update(IDP_ISSUER=balancer.url, IDP_DATABASE_URL=url, IDP_REDIS_URL=REDIS_URL,
                   IDP_STORE_PREFIX=settings.store_prefix, IDP_KEK=TEST_KEK,
                   IDP_ARGON2_MEMORY_KIB=str(settings.argon2_memory_kib),
                   IDP_ARGON2_TIME_COST=str(settings.argon2_time_cost),
                   IDP_TRUSTED_PROXIES="1")  # the balancer's X-Forwarded-For names the client
        try:
            for name in ("a", "b"):
                data = folder / f"node-{name}"
                data.mkdir()
                nodes[name] = Node(name, {**env, "IDP_DATA_DIR": str(data)},
                                   folder / f"node-{name}.log")
            for node in nodes.values():
                node.wait_healthy()
            balancer.start(list(nodes.values()))
            yield Cluster(balancer, nodes, username, client_id, secret, env)
        finally:
            balancer.stop()
            for node in nodes.values():
                node.terminate()  # all at once: each graceful stop takes a moment
            for node in nodes.values():
                node.stop()


@pytest.fixture(scope="package")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    with _cluster(tmp_path_factory.mktemp("multinode")) as started:
        yield started


@pytest.fixture
def fresh_cluster(tmp_path) -> Iterator[Cluster]:
    with _cluster(tmp_path) as started:
        yield started
