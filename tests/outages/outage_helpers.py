"""Private servers to break and a bounded load to send, for the outage tests.

``RedisServer`` (append-only file on, as docs/operating.md "Production" asks) and
``PostgresServer`` run as our own child processes on free ports in temp dirs, so a test may
stop them, ``kill -9`` them or hang them with SIGSTOP; the shared servers on 5432 and 6379
are never touched. PostgreSQL runs as the ``postgres`` user (initdb refuses root), as in
scripts/services.sh.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests

REDIS_SERVER = shutil.which("redis-server")
PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)
PASSWORD = "correct horse battery"
REDIRECT = "https://rp.example.gov.cn/cb"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(check: Callable[[], bool], what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} within {seconds} s")


class RedisServer:
    """redis-server in the foreground (its PID is ours), AOF with fsync every second."""

    def __init__(self, directory: Path, appendonly: bool = True, *extra: str) -> None:
        self.directory, self.port = directory, _free_port()
        self.options = ["--bind", "127.0.0.1", "--dir", str(directory), "--save", "",
                        "--daemonize", "no", "--appendonly", "yes" if appendonly else "no",
                        "--appendfsync", "everysec", *extra]
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, new_port: bool = False) -> None:
        """Start on our port (a restart keeps it, and the AOF in our directory); new_port: on
        another free one when ours was taken meanwhile (only before anything points at it)."""
        for _ in range(3):
            with (self.directory / "redis.log").open("a") as log:
                self.process = subprocess.Popen(
                    [REDIS_SERVER, "--port", str(self.port), *self.options],
                    stdout=log, stderr=subprocess.STDOUT)
            wait_until(lambda: self._answers() or self.process.poll() is not None,
                       "redis-server did not answer")
            if self.process.poll() is None:
                return
            if new_port:
                self.port = _free_port()
            else:
                time.sleep(1)
        raise AssertionError(f"redis-server could not start: {self.directory / 'redis.log'}")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self, sig: int = signal.SIGKILL) -> None:
        self.process.send_signal(sig)
        if sig in (signal.SIGKILL, signal.SIGTERM):
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.kill(signal.SIGTERM)


class PostgresServer:
    """A private cluster in a temp dir, owned and run by the postgres user."""

    def __init__(self) -> None:
        # Not under pytest's tmp dirs: those are root's alone and postgres could not enter.
        self.directory = Path(tempfile.mkdtemp(prefix="yiwang-outage-pg-"))
        shutil.chown(self.directory, "postgres")
        self.data, self.port = self.directory / "data", _free_port()
        self._as_postgres(PG_BIN / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres",
                          "--no-sync")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/yiwang"

    def _as_postgres(self, *args: object) -> None:
        done = subprocess.run(["runuser", "-u", "postgres", "--", *map(str, args)],
                              capture_output=True, text=True, timeout=60, check=False)
        log = self.directory / "pg.log"
        assert done.returncode == 0, (args, done.stdout, done.stderr,
                                      log.read_text() if log.exists() else "")

    def start(self, new_port: bool = False) -> None:
        """Start on our port; new_port: on another free one when ours was taken meanwhile
        (only before anything points at it)."""
        for _ in range(3):
            try:
                self._as_postgres(
                    PG_BIN / "pg_ctl", "-D", self.data, "-l", self.directory / "pg.log", "-w",
                    "-o", f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
                    "-c fsync=off", "start")
                return
            except AssertionError as failure:
                if "Address already in use" not in str(failure):
                    raise
            if new_port:
                self.port = _free_port()
            else:
                time.sleep(1)
        raise AssertionError(f"PostgreSQL could not listen on {self.port}")

    def stop(self) -> None:
        self._as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def processes(self) -> list[int]:
        """The postmaster and every backend and helper it forked."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == postmaster:
                children.append(int(stat.parent.name))
        return [postmaster, *children]

    def signal_all(self, sig: int) -> None:
        for pid in self.processes():
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass

    def destroy(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self.signal_all(signal.SIGCONT)
                self.stop()
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


_serial = itertools.count(1)


def seed(services) -> tuple[str, str, str]:
    """A citizen (PASSWORD) and a first-party relying party: (username, client_id, secret)."""
    from clients.registry import register_client
    from idp.accounts import service
    from idp.accounts.identity_numbers import id_number_check_char
    from idp.audit import SYSTEM_ACTOR

    n = next(_serial)
    username = f"outage{os.getpid()}x{n}"
    first17 = f"11010519800101{n % 1000:03d}"  # born 1980-01-01, serial n
    service.create_person(
        services, SYSTEM_ACTOR, username=username, password=PASSWORD, name="张三",
        id_number=first17 + id_number_check_char(first17), assurance_level=2)
    client, secret = register_client(services, {
        "client_name": "社保查询", "redirect_uris": [REDIRECT], "first_party": True,
        "scope": "openid", "grant_types": ["authorization_code", "client_credentials"]},
        SYSTEM_ACTOR)
    return username, client.client_id, secret


def pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class Served:
    """An `idp serve` on the private servers, with a person and a relying party in it."""

    base: str
    log: Path
    username: str
    client_id: str
    secret: str
    browser: requests.Session = field(default_factory=requests.Session)

    def log_in(self) -> None:
        """The person signs in through the real form; the browser keeps the SSO cookie."""
        form = self.browser.get(f"{self.base}/login", timeout=10)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        done = self.browser.post(f"{self.base}/login", timeout=10, allow_redirects=False, data={
            "csrf_token": csrf, "username": self.username, "password": PASSWORD,
            "door": "person"})
        assert done.status_code == 303 and "yiwang_sso" in self.browser.cookies, done.text[:300]

    def authorize_url(self) -> str:
        _, challenge = pkce_pair()
        return (f"{self.base}/authorize?response_type=code&client_id={self.client_id}"
                f"&redirect_uri={REDIRECT}&scope=openid&state=s&nonce=n"
                f"&code_challenge={challenge}&code_challenge_method=S256")


@dataclass(frozen=True)
class Answer:
    name: str
    status: int
    content_type: str
    retry_after: str | None
    body: str
    seconds: float
    location: str = ""


# Each request a client of the IdP makes, with the status it gets when all is well.
NORMAL = {"account": 200, "authorize": 303, "token": 200, "readyz": 200}


def ask(site: Served, name: str) -> Answer:
    """One request as a browser (account, authorize) or a relying party (token) sends it."""
    started = time.monotonic()
    if name == "account":
        response = site.browser.get(f"{site.base}/account", timeout=20, allow_redirects=False)
    elif name == "authorize":
        response = site.browser.get(site.authorize_url(), timeout=20, allow_redirects=False)
    elif name == "token":
        response = requests.post(f"{site.base}/token", timeout=20, auth=(site.client_id,
                                 site.secret), data={"grant_type": "client_credentials"})
    else:
        response = requests.get(f"{site.base}/{name}", timeout=20)
    return Answer(name, response.status_code, response.headers.get("Content-Type", ""),
                  response.headers.get("Retry-After"), response.text,
                  time.monotonic() - started, response.headers.get("Location", ""))


def load(site: Served, names: list[str], threads: int = 3, rounds: int = 2) -> list[Answer]:
    """threads clients, each sending every request of names rounds times (bounded)."""
    answers: list[Answer] = []
    lock = threading.Lock()

    def client() -> None:
        for _ in range(rounds):
            for name in names:
                answer = ask(site, name)
                with lock:
                    answers.append(answer)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return answers


def assert_outage_answers(answers: list[Answer]) -> list[Answer]:
    """No 500 and no hang; every answer is either the usual one or a well-formed 503.
    Returns the 503s."""
    unavailable = []
    for answer in answers:
        assert answer.status in (NORMAL[answer.name], 503), (answer.name, answer.status,
                                                              answer.body[:300])
        if answer.status != 503:
            continue
        unavailable.append(answer)
        assert answer.retry_after == "5"
        if answer.name in ("token", "readyz"):
            assert answer.content_type == "application/json"
        if answer.name == "token":
            assert '"error":"temporarily_unavailable"' in answer.body.replace(" ", "")
        if answer.name in ("account", "authorize"):
            assert answer.content_type.startswith("text/html")
            assert "服务暂时不可用" in answer.body and "Traceback" not in answer.body
    return unavailable


def wait_ready(site: Served, seconds: float = 20) -> None:
    wait_until(lambda: ask(site, "readyz").status == 200, "/readyz did not answer 200",
                seconds)
