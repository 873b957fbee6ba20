"""Outage fixtures: a private PostgreSQL for the folder, a private Redis per test, and an
`idp serve` (through ``serve_idp``) on them with short timeouts and a person signed in
through the real login form. The servers and the load live in outage_helpers.py.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

# Test modules import outage_helpers by name, under any pytest import mode.
sys.path.insert(0, str(Path(__file__).parent))

from outage_helpers import (  # noqa: E402
    PG_BIN,
    REDIS_SERVER,
    PostgresServer,
    RedisServer,
    Served,
    seed,
)

if REDIS_SERVER is None or PG_BIN is None:  # scripts/test.sh installs both
    pytest.skip("needs redis-server and PostgreSQL's initdb/pg_ctl", allow_module_level=True)



def pytest_configure(config):
    config.addinivalue_line("markers", "outages: backends stopped, hung or killed under load")


# What the served IdP may wait on a silent backend: 1 s per Redis command; PostgreSQL 1 s per
# statement, 2 s per silent round trip, 2 s to connect (libpq's minimum).
TIMEOUTS = {"IDP_REDIS_TIMEOUT_SECONDS": "1", "IDP_DB_TIMEOUT_SECONDS": "1"}


@pytest.fixture(scope="session")
def postgres():
    """One private PostgreSQL for the folder, its database migrated. A test that stops or
    hangs it puts it back before it ends."""
    from sqlalchemy import create_engine, text

    from idp.db import Database

    server = PostgresServer()
    try:
        server.start(new_port=True)
        admin = create_engine(server.url.replace("/yiwang", "/postgres"),
                              isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE yiwang"))
        admin.dispose()
        database = Database(server.url)
        database.upgrade()
        database.dispose()
        yield server
    finally:
        server.destroy()


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path / "redis-data")
    server.directory.mkdir()
    server.start(new_port=True)
    yield server
    server.stop()


@pytest.fixture
def served(settings, postgres, redis_server, idp_env, serve_idp, tmp_path) -> Iterator[Served]:
    """The IdP served by `idp serve` on the private PostgreSQL and Redis, a person signed in."""
    from idp.services import Services

    services = Services.build(
        replace(settings, database_url=postgres.url, redis_url=redis_server.url), upgrade=False)
    try:
        username, client_id, secret = seed(services)
    finally:
        services.db.dispose()
    log = tmp_path / "idp.log"
    env = idp_env(IDP_DATABASE_URL=postgres.url, IDP_REDIS_URL=redis_server.url, **TIMEOUTS)
    base = serve_idp(env, log=log, as_issuer=True)
    site = Served(base, log, username, client_id, secret)
    site.log_in()
    yield site
    site.browser.close()  # a kept-alive connection would hold the graceful stop


