"""Fixtures shared by every feature: real SQLite, PostgreSQL and Redis, a live server, the `idp`
CLI (`cli` in process, `run_idp` and `serve_idp` as processes) and throwaway HTTP servers
(`http_server`) standing in for relying parties.

PostgreSQL: ``IDP_TEST_PG`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432``); each test
run creates its own database and drops it at the end. Redis: ``IDP_TEST_REDIS`` (default
``redis://127.0.0.1:6379/0``); each test gets its own key prefix.
"""

from __future__ import annotations

import base64
import os
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from werkzeug.serving import make_server

from idp.db import Base, Database
from idp.settings import Settings

PG_SERVER = os.environ.get("IDP_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("IDP_TEST_REDIS", "redis://127.0.0.1:6379/0")
TEST_KEK = base64.b64encode(secrets.token_bytes(32)).decode()
# Cheap argon2 for the suite; the login benchmark measures the real parameters.
CHEAP_ARGON2 = {"argon2_memory_kib": 1024, "argon2_time_cost": 1}
IDP = str(Path(sys.executable).with_name("idp"))  # the console script of this venv


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test run."""
    name = f"yiwang_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{PG_SERVER}/{name}"
    database = Database(url)
    database.upgrade()
    database.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is faster)."""
    path = tmp_path_factory.mktemp("template") / "yiwang.db"
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    database.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request) -> str:
    """Parametrise a test over both SQL databases."""
    return request.param


@pytest.fixture
def database_url(request, tmp_path, sqlite_template) -> Iterator[str]:
    """SQLite by default; PostgreSQL where the test asks (the `backend` fixture)."""
    kind = request.getfixturevalue("backend") if "backend" in request.fixturenames else "sqlite"
    if kind == "postgres":
        url = request.getfixturevalue("pg_database_url")
        yield url
        _truncate_all(url)
    else:
        shutil.copy(sqlite_template, tmp_path / "yiwang.db")
        yield f"sqlite:///{tmp_path / 'yiwang.db'}"


def _truncate_all(url: str) -> None:
    import idp.models  # noqa: F401 - registers every table on Base.metadata

    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    truncate = text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    try:
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '10s'"))
            conn.execute(truncate)
    except OperationalError:
        # A connection the test left open in a transaction holds a lock the TRUNCATE would wait
        # for forever: end it (the test is over), say so, and empty the tables.
        with engine.begin() as conn:
            ended = conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).all()
            conn.execute(truncate)
        warnings.warn(f"ended {len(ended)} database connection(s) a test left open",
                      stacklevel=1)
    engine.dispose()


@pytest.fixture
def redis_store_url() -> str:
    return REDIS_URL


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    """Settings for one test: its own data dir, database, and Store prefix."""
    return Settings(
        issuer="http://127.0.0.1:8000",
        data_dir=tmp_path,
        database_url=database_url,
        store_prefix=f"t{secrets.token_hex(4)}:",
        kek=TEST_KEK,
        **CHEAP_ARGON2,
    )


@pytest.fixture
def redis_settings(settings) -> Settings:
    return replace(settings, redis_url=REDIS_URL)


@pytest.fixture
def app(settings):
    from idp.app import create_app

    app = create_app(settings)
    app.config["TESTING"] = True
    yield app
    app.extensions["yiwang"].db.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def svc(app):
    """The app's services (what the views reach through app.extensions)."""
    return app.extensions["yiwang"]


@pytest.fixture
def db(database_url):
    """The test's database, as the services open it (repositories and raw SQL take it)."""
    database = Database(database_url)
    yield database
    database.dispose()


# The system Chromium (Debian's package) through Playwright, without `playwright install`;
# the flags keep it off the network this machine does not have.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def chromium():
    """A headless Chromium browser for page tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def running(app) -> Iterator[str]:
    """Serve app on a free loopback port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def live_app(settings):
    """An app served on a real port whose issuer is that port's URL: (app, base_url)."""
    from idp.app import create_app

    server = make_server("127.0.0.1", 0, None, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app = create_app(replace(settings, issuer=base))
    server.app = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, base
    server.shutdown()
    thread.join(timeout=5)
    app.extensions["yiwang"].db.dispose()


@pytest.fixture
def idp_env(settings):
    """env(**overrides): the environment an `idp` subprocess needs for the test's settings."""

    def env(**overrides: str) -> dict[str, str]:
        values = {k: v for k, v in os.environ.items() if not k.startswith("IDP_")}
        values.update(
            IDP_ISSUER=settings.issuer,
            IDP_DATA_DIR=str(settings.data_dir),
            IDP_DATABASE_URL=settings.database_url,
            IDP_STORE_PREFIX=settings.store_prefix,
            IDP_KEK=settings.kek,
            IDP_ARGON2_MEMORY_KIB=str(settings.argon2_memory_kib),
            IDP_ARGON2_TIME_COST=str(settings.argon2_time_cost),
        )
        values.update(overrides)
        return values

    return env


@pytest.fixture
def cli(idp_env):
    """cli(*args, stdin=None, **env) -> click's Result of `idp ...` run in process (click's
    runner) on the test's settings; env overrides IDP_* variables, and IDP_* variables of the
    shell running the suite are hidden. An exception the commands do not turn into an error
    message propagates, failing the test."""
    from click.testing import CliRunner

    from idp.cli import idp

    def invoke(*args: str, stdin: str | None = None, **env: str):
        hidden = {name: None for name in os.environ if name.startswith("IDP_")}
        return CliRunner().invoke(idp, list(args), input=stdin, env={**hidden, **idp_env(**env)},
                                  catch_exceptions=False)

    return invoke


@pytest.fixture
def run_idp():
    """run(args, env, stdin=None): the `idp` console script in a subprocess, output captured."""

    def run(args: list[str], env: dict[str, str], timeout: float = 60, stdin: str | None = None):
        return subprocess.run([IDP, *args], env=env, capture_output=True, text=True,
                              timeout=timeout, check=False, input=stdin)

    return run


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_health(process: subprocess.Popen, base: str, log: Path) -> str:
    """base once the served process answers /healthz; its log in the failure if it exits."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"idp serve exited: {log.read_text()}")
        try:
            if requests.get(f"{base}/healthz", timeout=2).ok:
                return base
        except requests.ConnectionError:
            time.sleep(0.1)
    raise AssertionError("idp serve did not answer within 60 s")


@pytest.fixture
def serve_idp(tmp_path):
    """serve(env, log=None, as_issuer=False) -> base URL of a real `idp serve`
    process, its output written to log (a file of its own when not given); as_issuer: its own
    URL is its IDP_ISSUER. Stopped at teardown."""
    processes: list[subprocess.Popen] = []

    def serve(env: dict[str, str], log: Path | None = None, as_issuer: bool = False) -> str:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**env, "IDP_ISSUER": base} if as_issuer else env
        log = log or tmp_path / f"serve-{port}.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [IDP, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2"],
                env=env, stdout=out, stderr=subprocess.STDOUT)
        processes.append(process)
        return wait_for_health(process, base, log)

    yield serve
    for process in processes:
        process.terminate()  # SIGTERM: the server stops cleanly
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class Hit:
    """One request a throwaway server received: path with its query, headers, raw body."""

    method: str
    path: str
    headers: Message
    body: bytes


@dataclass
class ThrowawaySite:
    """A running throwaway server: its base URL and port, the requests it got in order, and
    the SNI host name of each TLS handshake."""

    url: str
    port: int
    hits: list[Hit] = field(default_factory=list)
    server_names: list[str | None] = field(default_factory=list)


# (status, body) or (status, body, headers); a str body is sent as UTF-8.
Reply = tuple[int, bytes | str] | tuple[int, bytes | str, Mapping[str, str]]


@pytest.fixture
def http_server() -> Iterator[Callable[..., ThrowawaySite]]:
    """http_server(answer, tls=None) -> ThrowawaySite: an HTTP server on a free loopback port
    standing in for a relying party, an SP's metadata host or a back channel; HTTPS when given
    a server SSLContext. answer maps a path (query left out) to a Reply, looked up at each
    request so routes may be added once the port is known (other paths get 404), or is a
    function Hit -> Reply. Every server is stopped at teardown."""
    servers: list[tuple[ThreadingHTTPServer, threading.Thread]] = []

    def start(answer: Mapping[str, Reply] | Callable[[Hit], Reply],
              tls: ssl.SSLContext | None = None) -> ThrowawaySite:
        site = ThrowawaySite("", 0)

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                hit = Hit(self.command, self.path, self.headers, self.rfile.read(length))
                site.hits.append(hit)
                if callable(answer):
                    reply = answer(hit)
                else:
                    reply = answer.get(self.path.partition("?")[0], (404, b""))
                status, body, headers = (*reply, {})[:3]
                body = body.encode() if isinstance(body, str) else body
                headers = {"Content-Type": "text/plain; charset=utf-8", **headers}
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the client gave up waiting (a browser's hanging frame)
                    pass

            do_GET = do_POST = _answer  # noqa: N815 - the http.server API

            def log_message(self, *args) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        scheme = "http"
        if tls is not None:
            tls.sni_callback = lambda _sock, name, _ctx: site.server_names.append(name)
            server.socket = tls.wrap_socket(server.socket, server_side=True)
            scheme = "https"
        site.port = server.server_port
        site.url = f"{scheme}://127.0.0.1:{site.port}"
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        servers.append((server, thread))
        return site

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
