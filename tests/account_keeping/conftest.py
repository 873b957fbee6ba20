"""Fixtures of "keeping the account": people who log in through the real form (shared with
tests/login), a second browser, a first-party relying party whose back channel is a throwaway
server, and administrators of each role for assisted recovery."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest

from admin.principal import Admin
from admin.roles import Role, assign_role, grants_of
from clients.registry import register_client
from idp.accounts import service
from idp.accounts.enums import AccountClass
from idp.audit import SYSTEM_ACTOR, Actor
from tests.admin.admin_helpers import ADMIN_PASSWORD, sign_in
from tests.login.login_helpers import (  # noqa: F401 - the login tests' fixtures
    PASSWORD,
    csrf,
    csrf_of,
    events,
    login,
    person,
    sso_token,
)

REDIRECT = "https://shebao.example.gov.cn/cb"
# RFC 7636 appendix B's example pair.
PKCE_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
PKCE_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


@pytest.fixture
def alice(request):
    return request.getfixturevalue("person")("alice", phone="13800001111")


@pytest.fixture
def bob(request):
    return request.getfixturevalue("person")("bob", phone="13900002222")


@pytest.fixture
def other_browser(app):
    return app.test_client()


@pytest.fixture
def site(svc, http_server):
    """A first-party OIDC relying party "社保查询" whose back-channel logout URI is a real
    server recording what it receives: (client_id, ThrowawaySite)."""
    receiver = http_server({"/backchannel": (200, "")})
    client, secret = register_client(svc, {
        "client_name": "社保查询", "redirect_uris": [REDIRECT], "first_party": True,
        "grant_types": ["authorization_code", "refresh_token"],
        "scope": "openid profile offline_access",
        "backchannel_logout_uri": f"{receiver.url}/backchannel",
    }, SYSTEM_ACTOR)
    return client.client_id, receiver, secret


@pytest.fixture
def sign_in_to_site(site) -> Callable:
    """Send the browser through /authorize of the site (it becomes a session participant)
    and let the site redeem the code; returns the token response (with a refresh token)."""

    def go(browser) -> dict:
        response = browser.get("/authorize", query_string={
            "response_type": "code", "client_id": site[0], "redirect_uri": REDIRECT,
            "scope": "openid profile offline_access", "state": "s", "nonce": "n",
            "prompt": "consent", "code_challenge": PKCE_CHALLENGE,
            "code_challenge_method": "S256"})
        assert response.status_code == 303, response.get_data(as_text=True)[:300]
        code = parse_qs(urlsplit(response.headers["Location"]).query)["code"][0]
        basic = base64.b64encode(f"{site[0]}:{site[2]}".encode()).decode()
        tokens = browser.post("/token", headers={"Authorization": f"Basic {basic}"}, data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
            "code_verifier": PKCE_VERIFIER})
        assert tokens.status_code == 200, tokens.get_data(as_text=True)
        return tokens.get_json()

    return go


@pytest.fixture
def make_admin(svc) -> Callable:
    """make_admin(role) -> Admin principal (an administrator account holding the role)."""

    def make(role: Role, department: str | None = None) -> Admin:
        account = service.create_person(
            svc, SYSTEM_ACTOR, username=f"admin{secrets.token_hex(3)}", password=ADMIN_PASSWORD,
            name="管理员", account_class=AccountClass.ADMIN, assurance_level=2)
        assign_role(svc.db, account_id=account.id, role=role, department=department)
        with svc.db.session() as session:
            grants = grants_of(session, account.id)
        return Admin(account.id, account.username, grants, Actor("127.0.0.1", "pytest"))

    return make


@pytest.fixture
def console(app, make_admin) -> Callable:
    """console(role) -> (test client signed in to the console, Admin)."""

    def make(role: Role, department: str | None = None):
        admin = make_admin(role, department)
        browser = app.test_client()
        sign_in(browser, admin)
        return browser, admin

    return make
