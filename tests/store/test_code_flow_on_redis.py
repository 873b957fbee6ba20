"""The app with its Store on Redis and its database on PostgreSQL: the authorization codes kept
in the Store are used once, and a refresh token's reuse still revokes its family."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest

from clients.registry import register_client
from idp.accounts.service import create_person
from idp.audit import SYSTEM_ACTOR
from idp.sso.session import COOKIE_NAME

REDIRECT = "https://rp.example.gov.cn/cb"


@pytest.fixture
def settings(redis_settings):
    return redis_settings


@pytest.fixture
def rp(svc) -> tuple[str, dict[str, str]]:
    """A confidential client allowed refresh tokens: (client_id, its Basic auth header)."""
    client, secret = register_client(svc, {
        "client_name": "社保查询", "redirect_uris": [REDIRECT], "first_party": True,
        "grant_types": ["authorization_code", "refresh_token"],
        "scope": "openid profile offline_access"}, SYSTEM_ACTOR)
    basic = base64.b64encode(f"{client.client_id}:{secret}".encode()).decode()
    return client.client_id, {"Authorization": f"Basic {basic}"}


@pytest.fixture
def signed_in(svc, client) -> None:
    """The test browser holds an SSO session of a person (as the login page would give it)."""
    person = create_person(svc, SYSTEM_ACTOR, username="zhangsan", password="Correct-horse-9",
                           name="张三", id_number="11010519491231002X", assurance_level=2)
    token, _ = svc.sessions.create(account_id=person.id, username=person.username, level=2,
                                   amr=["pwd"])
    client.set_cookie(COOKIE_NAME, token)


def code_and_verifier(client, client_id: str) -> tuple[str, str]:
    """An authorization code (PKCE S256) from /authorize, and its code verifier."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    answer = client.get("/authorize", query_string={
        "response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT,
        "scope": "openid offline_access", "state": "s-1", "nonce": "n-1",
        "code_challenge": challenge.rstrip(b"=").decode(), "code_challenge_method": "S256"})
    assert answer.status_code == 303, answer.get_data(as_text=True)[:500]
    return parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0], verifier


def redeem(client, basic: dict[str, str], code: str, verifier: str):
    return client.post("/token", headers=basic, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
        "code_verifier": verifier})


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_code_refresh_and_code_reuse_work_on_postgresql_and_redis(
    backend, client, svc, rp, signed_in
):
    client_id, basic = rp
    assert svc.settings.redis_url and not svc.db.is_sqlite
    code, verifier = code_and_verifier(client, client_id)
    first = redeem(client, basic, code, verifier).json
    assert redeem(client, basic, code, verifier).json["error"] == "invalid_grant"
    response = client.post("/token", headers=basic, data={
        "grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert response.json["error"] == "invalid_grant"  # the reuse revoked the family
    code, verifier = code_and_verifier(client, client_id)
    tokens = redeem(client, basic, code, verifier).json
    response = client.post("/token", headers=basic, data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert response.status_code == 200 and response.json["refresh_token"]
