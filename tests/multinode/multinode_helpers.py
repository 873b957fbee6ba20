"""Two `idp serve` nodes behind a real HAProxy, and the browser and relying party that use them.

``Node`` runs `idp serve` (whatever server the CLI uses) in a process group of its own, so a
test can ``kill -9`` the whole node at once as a crashed machine would be. ``Balancer`` writes
the haproxy.cfg that docs/operating.md "Production" shows (health check on ``/readyz``, failed
connects redispatched to the other node), runs it in the foreground and reads its state through
the stats socket. Every response through it names the node that served it (``X-Served-By``), and
a request may pick its node with the ``X-Pin-Node`` header, as sticky sessions would.
"""

from __future__ import annotations

import base64
import csv
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.conftest import IDP, free_port, wait_for_health

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
PASSWORD = "correct horse battery"
REDIRECT = "https://rp.example.gov.cn/cb"
BYE = "https://rp.example.gov.cn/bye"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PIN = "X-Pin-Node"
ENDPOINTS = {"authorize": "/authorize", "token": "/token", "userinfo": "/userinfo",
             "jwks": "/jwks", "end_session": "/session/end"}


def wait_until(check: Callable[[], bool], what: str | Callable[[], str],
               seconds: float = 30) -> None:
    """Poll check until true; else fail saying what (a function: evaluated at the failure)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what() if callable(what) else what} within {seconds} s")


class Node:
    """One `idp serve` process group on a free loopback port."""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name, self.log, self.port = name, log, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        with log.open("w") as out:
            self.process = subprocess.Popen(
                [IDP, "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
                 "--threads", "4"],
                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_healthy(self) -> None:
        wait_for_health(self.process, self.url, self.log)

    def kill(self) -> None:
        """SIGKILL to every process of the node (server and workers): a crash, no clean-up.
        Returns once the node's port refuses connections: every process holding it is gone."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        wait_until(self._refuses, f"node {self.name} still accepts connections")

    def _refuses(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
        except ConnectionRefusedError:
            return True
        except OSError:
            pass
        return False

    def terminate(self) -> None:
        """Ask for a graceful stop (SIGTERM to the server's own main process)."""
        if self.process.poll() is None:
            self.process.terminate()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        try:  # workers a crash or a slow stop left behind
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


REQUEST_TIMEOUT = 3  # seconds; a deployment's is 10 (docs/production.md)
HAPROXY_CFG = """\
global
    maxconn 512
    stats socket {socket} mode 600 level admin

defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    # A request's head and body must arrive within this, whole, before a node sees it: the
    # nodes' server (granian) bounds the head but not the body (docs/production.md).
    timeout http-request {request_timeout}s
    option http-buffer-request
    # A connection a dead node refuses is tried again on the other one.
    retries 2
    option redispatch 1
    option forwardfor

frontend idp
    bind 127.0.0.1:{port}
    default_backend nodes
    http-response set-header X-Served-By %s

backend nodes
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 300ms fall 2 rise 2
{pins}
{servers}
"""


class Balancer:
    """HAProxy in the foreground with a generated config in its own folder."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder, self.port = folder, port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.socket = folder / "admin.sock"
        self.process: subprocess.Popen | None = None

    def config(self, nodes: list[Node]) -> str:
        pins = "\n".join(f"    use-server {n.name} if {{ req.hdr({PIN.lower()}) -m str {n.name} }}"
                         for n in nodes)
        servers = "\n".join(f"    server {n.name} 127.0.0.1:{n.port} check" for n in nodes)
        return HAPROXY_CFG.format(socket=self.socket, port=self.port, pins=pins,
                                  servers=servers, request_timeout=REQUEST_TIMEOUT)

    def start(self, nodes: list[Node]) -> None:
        path = self.folder / "haproxy.cfg"
        path.write_text(self.config(nodes))
        check = subprocess.run([HAPROXY, "-c", "-q", "-f", str(path)], capture_output=True,
                               text=True, check=False)
        assert check.returncode == 0, check.stdout + check.stderr
        with (self.folder / "haproxy.log").open("w") as out:
            self.process = subprocess.Popen([HAPROXY, "-db", "-f", str(path)], stdout=out,
                                            stderr=subprocess.STDOUT)
        wait_until(lambda: all(self.status(n.name) == "UP" for n in nodes),
                   f"HAProxy did not see every node UP ({self.folder / 'haproxy.log'})")

    def status(self, server: str) -> str:
        """The server's state as HAProxy's health checks see it: UP, DOWN, ... ('' if unknown)."""
        try:
            rows = csv.DictReader(self._ask("show stat").lstrip("# ").splitlines())
            return next((row["status"] for row in rows
                         if row["pxname"] == "nodes" and row["svname"] == server), "")
        except OSError:
            return ""

    def _ask(self, command: str) -> str:
        with socket.socket(socket.AF_UNIX) as conn:
            conn.settimeout(5)
            conn.connect(str(self.socket))
            conn.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := conn.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@dataclass
class Cluster:
    """Two nodes behind the balancer; their issuer is the balancer's URL."""

    balancer: Balancer
    nodes: dict[str, Node]
    username: str
    client_id: str
    secret: str
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.balancer.url

    def endpoint(self, name: str) -> str:
        return self.url + ENDPOINTS[name]


def pinned(node: str | None) -> dict[str, str]:
    return {PIN: node} if node else {}


def log_in(cluster: Cluster, browser: requests.Session, node: str | None = None,
           username: str | None = None) -> requests.Response:
    """The real password form, through the balancer (on one node when pinned): the answer to
    the POST (303 on success) with the SSO cookie in the browser."""
    form = browser.get(f"{cluster.url}/login", headers=pinned(node), timeout=20)
    form.raise_for_status()
    return browser.post(f"{cluster.url}/login", headers=pinned(node), timeout=20,
                        allow_redirects=False, data={
                            "csrf_token": CSRF.search(form.text)[1],
                            "username": username or cluster.username, "password": PASSWORD,
                            "door": "person"})


def relying_party(cluster: Cluster, node: str | None = None,
                  scope: str = "openid profile offline_access") -> OAuth2Session:
    """The relying party's own OAuth client (Authlib), its back channel pinned when asked."""
    rp = OAuth2Session(cluster.client_id, cluster.secret, scope=scope, redirect_uri=REDIRECT,
                       code_challenge_method="S256")
    rp.headers.update(pinned(node))
    return rp


@dataclass
class Authorization:
    """A code the IdP issued to the relying party, with what redeeming it needs."""

    rp: OAuth2Session
    verifier: str
    location: str
    served_by: str


def authorize(cluster: Cluster, browser: requests.Session, node: str | None = None,
              rp: OAuth2Session | None = None) -> Authorization | requests.Response:
    """The browser follows the relying party to /authorize; an Authorization when the IdP
    answered with a code at once (an SSO session), else the IdP's answer."""
    rp = rp or relying_party(cluster, node)
    verifier = base64.urlsafe_b64encode(os.urandom(40)).rstrip(b"=").decode()
    url, _state = rp.create_authorization_url(cluster.endpoint("authorize"),
                                              code_verifier=verifier, nonce=os.urandom(8).hex())
    answer = browser.get(url, headers=pinned(node), allow_redirects=False, timeout=20)
    location = answer.headers.get("Location", "")
    if answer.status_code in (302, 303) and location.startswith(REDIRECT) and "code=" in location:
        return Authorization(rp, verifier, location, answer.headers.get("X-Served-By", ""))
    return answer


def redeem(cluster: Cluster, grant: Authorization) -> dict:
    """The relying party exchanges the code at the token endpoint (Authlib checks state)."""
    return dict(grant.rp.fetch_token(cluster.endpoint("token"),
                                     authorization_response=grant.location,
                                     code_verifier=grant.verifier, timeout=20))


def id_token_header(id_token: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(id_token.split(".")[0] + "=="))


def verified_id_token(cluster: Cluster, id_token: str, node: str | None = None) -> dict:
    """The ID token's claims, its signature checked against the JWKS the node publishes."""
    keys = KeySet.import_key_set(requests.get(cluster.endpoint("jwks"), headers=pinned(node),
                                              timeout=20).json())
    return jwt.decode(id_token, keys, algorithms=["RS256", "PS256", "ES256", "EdDSA"]).claims
