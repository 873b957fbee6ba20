"""The login methods' pages as a browser drives them, an OIDC relying party's code flow, and
the outbox file as a phone reads it."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from clients.registry import register_client
from idp.audit import SYSTEM_ACTOR
from tests.login.login_helpers import PASSWORD

REDIRECT = "https://rp.example.gov.cn/cb"
PHONE = "13812345678"  # the login tests' person() default


def csrf_of(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))[1]


def outbox(settings) -> list[dict[str, str]]:
    path = Path(settings.data_dir) / "outbox.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def login_codes(settings, phone: str = PHONE) -> list[str]:
    """The login codes sent to phone, oldest first."""
    texts = [m["text"] for m in outbox(settings) if m["phone"] == phone and "登录" in m["text"]]
    return [m[1] for t in texts if (m := re.search(r"验证码 (\d{6})", t))]


def ask_sms_code(browser, phone: str = PHONE, *, login_id: str | None = None,
                 ip: str = "127.0.0.1"):
    """The SMS tab, then its phone form; returns the POST's answer."""
    query = {"method": "sms", **({"login": login_id} if login_id else {})}
    form = browser.get("/login", query_string=query, environ_base={"REMOTE_ADDR": ip})
    data = {"csrf_token": csrf_of(form), "phone": phone, "door": "person",
            **({"login": login_id} if login_id else {})}
    return browser.post("/login/sms", data=data, environ_base={"REMOTE_ADDR": ip})


def enter_sms_code(browser, code: str, *, ip: str = "127.0.0.1"):
    page = browser.get("/login/sms/code", environ_base={"REMOTE_ADDR": ip})
    return browser.post("/login/sms/code", data={"csrf_token": csrf_of(page), "code": code},
                        environ_base={"REMOTE_ADDR": ip})


def page_text(browser, path: str) -> str:
    return browser.get(path).get_data(as_text=True)


class RelyingParty:
    """A confidential OIDC client and the browser side of its code flow (PKCE)."""

    def __init__(self, svc, *, name: str = "社保查询", **policy) -> None:
        self.svc = svc
        self.client, self.secret = register_client(svc, {
            "client_name": name, "redirect_uris": [REDIRECT], "first_party": True,
            "scope": "openid profile phone", "grant_types": ["authorization_code"], **policy,
        }, SYSTEM_ACTOR)
        self.verifier = secrets.token_urlsafe(48)

    def authorize(self, browser, **extra) -> str:
        """Start a code flow; returns the login request's id the login page serves."""
        challenge = base64.urlsafe_b64encode(
            hashlib.sha256(self.verifier.encode()).digest()).rstrip(b"=").decode()
        asked = browser.get("/authorize", query_string={
            "response_type": "code", "client_id": self.client.client_id,
            "redirect_uri": REDIRECT, "scope": "openid profile", "state": "s-1",
            "nonce": "n-1", "code_challenge": challenge, "code_challenge_method": "S256",
            **extra})
        assert asked.status_code in (302, 303), asked.get_data(as_text=True)
        return query_of(asked)["login"]

    def id_token(self, browser, done) -> dict:
        """Follow a finished login back through /authorize/resume to the code, and redeem
        it: the ID token's claims."""
        assert done.headers["Location"].startswith("/authorize/resume"), done.headers
        back = browser.get(done.headers["Location"])
        assert back.headers["Location"].startswith(REDIRECT), back.headers["Location"]
        answer = query_of(back)
        basic = base64.b64encode(f"{self.client.client_id}:{self.secret}".encode()).decode()
        tokens = browser.post("/token", headers={"Authorization": f"Basic {basic}"}, data={
            "grant_type": "authorization_code", "code": answer["code"],
            "redirect_uri": REDIRECT, "code_verifier": self.verifier})
        assert tokens.status_code == 200, tokens.get_data(as_text=True)
        self.tokens = tokens.json
        return self.svc.signing_keys.verify_jwt(tokens.json["id_token"], ["RS256"])


def query_of(response) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["Location"]).query).items()}


APP_REDIRECT = "cn.gov.yiwang.app:/oauth2/callback"


def app_token(browser, *, username: str = "alice", password: str = PASSWORD,
              sms_code_of=None) -> dict:
    """The provincial app signs its person in (authorization code + PKCE, public client
    ``yiwang-app``, through the login page as its web view shows it) and redeems the code:
    the token response. With ``sms_code_of`` (phone -> code), by SMS code, not password."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    asked = browser.get("/authorize", query_string={
        "response_type": "code", "client_id": "yiwang-app", "redirect_uri": APP_REDIRECT,
        "scope": "openid profile", "state": "app", "code_challenge": challenge,
        "code_challenge_method": "S256"})
    login_id = query_of(asked)["login"]
    if sms_code_of is None:
        form = browser.get("/login", query_string={"login": login_id})
        done = browser.post("/login", data={
            "csrf_token": csrf_of(form), "username": username, "password": password,
            "door": "person", "login": login_id})
    else:
        ask_sms_code(browser, PHONE, login_id=login_id)
        done = enter_sms_code(browser, sms_code_of(PHONE))
    back = browser.get(done.headers["Location"])
    assert back.headers["Location"].startswith(APP_REDIRECT), back.headers["Location"]
    tokens = browser.post("/token", data={
        "grant_type": "authorization_code", "code": query_of(back)["code"],
        "redirect_uri": APP_REDIRECT, "client_id": "yiwang-app", "code_verifier": verifier})
    assert tokens.status_code == 200, tokens.get_data(as_text=True)
    return tokens.json


def show_qr(browser, login_id: str | None = None) -> str:
    """The scan tab of the login page: the QR request's id (as its hidden field holds it)."""
    query = {"method": "scan", **({"login": login_id} if login_id else {})}
    page = browser.get("/login", query_string=query).get_data(as_text=True)
    assert "<svg" in page
    return re.search(r'name="id" value="([^"]+)"', page)[1]


def finish_scan(browser, scan_id: str, login_id: str | None = None):
    form = browser.get("/login", query_string={"login": login_id} if login_id else {})
    return browser.post("/login/scan/finish", data={
        "csrf_token": csrf_of(form), "id": scan_id, "door": "person",
        **({"login": login_id} if login_id else {})})
