"""What a browser and a relying party do with the app, through Flask's test client: sign in on
the real form (from an /authorize that found no session), redeem the code, read userinfo, end
the session with the ID token as hint."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from clients.registry import register_client
from idp.accounts.service import create_person
from idp.audit import SYSTEM_ACTOR

REDIRECT = "https://rp.example.gov.cn/cb"
PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class RelyingParty:
    client_id: str
    secret: str


def seed(svc) -> tuple[str, RelyingParty]:
    """A citizen (username, PASSWORD) and a first-party relying party."""
    username = f"cluster{secrets.token_hex(3)}"
    create_person(svc, SYSTEM_ACTOR, username=username, password=PASSWORD, name="张三",
                  id_number="11010519491231002X", assurance_level=2)
    client, secret = register_client(svc, {
        "client_name": "社保查询", "redirect_uris": [REDIRECT], "first_party": True,
        "scope": "openid profile", "grant_types": ["authorization_code"]}, SYSTEM_ACTOR)
    return username, RelyingParty(client.client_id, secret)


def _csrf(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def authorize(browser, rp: RelyingParty) -> tuple[object, str]:
    """GET /authorize (PKCE S256): the answer, and the code verifier."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    answer = browser.get("/authorize", query_string={
        "response_type": "code", "client_id": rp.client_id, "redirect_uri": REDIRECT,
        "scope": "openid profile", "state": "s-1", "nonce": secrets.token_hex(8),
        "code_challenge": challenge.rstrip(b"=").decode(), "code_challenge_method": "S256"})
    return answer, verifier


def code_of(answer) -> str:
    """The code in a redirect back to the relying party."""
    assert answer.status_code == 303, (answer.status_code, answer.get_data(as_text=True)[:300])
    location = answer.headers["Location"]
    assert location.startswith(REDIRECT + "?"), location
    return parse_qs(urlsplit(location).query)["code"][0]


def sign_in(browser, username: str, password: str, login_page: str):
    """Fill in the login form found at login_page; the POST's answer."""
    form = browser.get(login_page)
    assert form.status_code == 200, form.status_code
    login_id = parse_qs(urlsplit(login_page).query).get("login", [None])[0]
    return browser.post("/login", data={
        "csrf_token": _csrf(form), "username": username, "password": password,
        "door": "person", **({"login": login_id} if login_id else {})})


def follow(browser, answer, until: str = REDIRECT):
    """Follow local 303s until one leads to ``until`` (the relying party)."""
    for _ in range(5):
        location = answer.headers.get("Location", "")
        if answer.status_code not in (302, 303) or location.startswith(until):
            return answer
        answer = browser.get(location)
    return answer


def redeem(browser, rp: RelyingParty, code: str, verifier: str):
    basic = base64.b64encode(f"{rp.client_id}:{rp.secret}".encode()).decode()
    return browser.post("/token", headers={"Authorization": f"Basic {basic}"}, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
        "code_verifier": verifier})
