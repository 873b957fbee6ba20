"""OIDC fixtures: a person, registered clients, a browser with an SSO session, PKCE."""

from __future__ import annotations

import sys
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
def receiver(http_server):
    """A relying party's back channel (the shared http_server): (its URI, the logout tokens
    POSTed to it so far)."""
    received: list[str] = []

    def answer(hit):
        received.append(parse_qs(hit.body.decode())["logout_token"][0])
        return 200, b""

    site = http_server(answer)
    return f"{site.url}/backchannel", received
