"""SSO sessions must survive a Redis restart: `idp serve` says so at start-up when the Store's
Redis keeps no append-only file, or when it cannot tell."""

from __future__ import annotations

import pytest
from outage_helpers import RedisServer

from idp.store.redis_store import RedisStore

pytestmark = pytest.mark.outages


@pytest.fixture
def start_redis(tmp_path):
    servers: list[RedisServer] = []

    def start(*options: str, appendonly: bool = True) -> RedisStore:
        server = RedisServer(tmp_path / f"redis-{len(servers)}", appendonly, *options)
        server.directory.mkdir()
        servers.append(server)
        server.start(new_port=True)
        return RedisStore.from_url(server.url, timeout=1)

    yield start
    for server in servers:
        server.stop()


@pytest.mark.parametrize(("options", "appendonly", "warning"), [
    ((), True, None),
    (("--appendfsync", "always"), True, None),
    ((), False, "appendonly no (no persistence at all)"),
    (("--save", "3600 1"), False, "appendonly no (only RDB snapshots)"),
    (("--appendfsync", "no"), True, "appendfsync no"),
    (("--rename-command", "CONFIG", ""), True, "could not check"),
])
def test_the_persistence_check_names_what_would_lose_sessions(
    start_redis, options, appendonly, warning
):
    found = start_redis(*options, appendonly=appendonly).persistence_warning()
    assert (found is None) if warning is None else (warning in found)


def test_idp_serve_warns_at_start_up_when_its_redis_keeps_no_append_only_file(
    tmp_path, idp_env, serve_idp
):
    server = RedisServer(tmp_path / "volatile", False)
    server.directory.mkdir()
    server.start(new_port=True)
    try:
        log = tmp_path / "serve.log"
        serve_idp(idp_env(IDP_REDIS_URL=server.url), log=log)
        text = log.read_text()
        assert "WARNING" in text and "appendonly no" in text and "appendonly yes" in text
    finally:
        server.stop()
