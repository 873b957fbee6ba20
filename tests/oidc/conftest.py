"""OIDC fixtures: a person, registered clients, a browser with an SSO session, PKCE."""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest

# The suite runs with --import-mode=importlib (test files of different features share names),
# which does not put test folders on sys.path: add ours so tests can import oidc_helpers.
sys.path.insert(0, str(Path(__file__).parent))

from oidc_helpers import ID_NUMBER, REDIRECT, Pkce, Rp  # noqa: E402

from clients.registry import register_client  # noqa: E402
from idp.accounts.service import create_person  # noqa: E402
from idp.audit import SYSTEM_ACTOR  # noqa: E402
from idp.sso.session import COOKIE_NAME  # noqa: E402


@pytest.fixture
def svc(app):
    return app.extensions["yiwang"]


@pytest.fixture
def person(svc):
    return create_person(
        svc, SYSTEM_ACTOR, username="zhangsan", password="Correct-horse-9", name="张三",
        id_number=ID_NUMBER, phone="13800138000", email="zhangsan@example.cn",
        address={"formatted": "福建省福州市"}, assurance_level=2,
    )


@pytest.fixture
def make_client(svc):
    def make(**metadata) -> Rp:
        values = {"client_name": "社保查询", "redirect_uris": [REDIRECT],
                  "first_party": True, "scope": "openid profile email phone address"}
        values.update(metadata)
        client, secret = register_client(svc, values, SYSTEM_ACTOR)
        return Rp(client.client_id, secret, (values["redirect_uris"] or [""])[0])
    return make


@pytest.fixture
def rp(make_client) -> Rp:
    return make_client(grant_types=["authorization_code", "refresh_token"],
                       scope="openid profile email phone address offline_access",
                       post_logout_redirect_uris=["https://rp.example.gov.cn/bye"])


@pytest.fixture
def pkce() -> Pkce:
    return Pkce()


@pytest.fixture
def login(svc, client):
    """Give the test browser an SSO session for a person (as the login page would)."""
    def log_in(person, level: int = 2, amr: list[str] | None = None, now: int | None = None):
        token, session = svc.sessions.create(
            account_id=person.id, username=person.username, level=level,
            amr=amr or ["pwd"], now=now)
        client.set_cookie(COOKIE_NAME, token)
        return token, session
    return log_in


@pytest.fixture
def receiver():
    """A tiny relying-party server that records back-channel logout POSTs."""
    received: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            received.append(parse_qs(body)["logout_token"][0])
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/backchannel", received
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
