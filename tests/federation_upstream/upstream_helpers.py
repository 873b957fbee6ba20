"""A browser made of ``requests`` that walks a login across Yiwang and its upstream, and the
relying party's side of the code flow."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import subprocess
import time
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import requests

from tests.conftest import free_port

UPSTREAM_CLIENT_ID = "yiwang-broker"
UPSTREAM_SECRET = "upstream-client-secret-for-tests"  # noqa: S105 - a test fixture
RP_REDIRECT = "http://127.0.0.1:9/callback"  # never contacted: the test reads the redirect
SECOND_RP_REDIRECT = "http://127.0.0.1:9/second/callback"
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


@dataclass
class Rp:
    client_id: str
    secret: str
    redirect_uri: str = RP_REDIRECT
    verifier: str = field(default_factory=lambda: secrets.token_urlsafe(48))

    def authorize_url(self, base: str, **extra: str) -> str:
        digest = hashlib.sha256(self.verifier.encode()).digest()
        params = {"response_type": "code", "client_id": self.client_id,
                  "redirect_uri": self.redirect_uri, "scope": "openid profile",
                  "state": "rp-state", "nonce": "rp-nonce",
                  "code_challenge": base64.urlsafe_b64encode(digest).rstrip(b"=").decode(),
                  "code_challenge_method": "S256", **extra}
        return f"{base}/authorize?{urlencode(params)}"

    def redeem(self, base: str, redirected: str) -> dict:
        code = parse_qs(urlsplit(redirected).query)["code"][0]
        answer = requests.post(base + "/token", auth=(self.client_id, self.secret), data={
            "grant_type": "authorization_code", "code": code,
            "redirect_uri": self.redirect_uri, "code_verifier": self.verifier}, timeout=10)
        assert answer.status_code == 200, answer.text
        tokens = answer.json()
        tokens["claims"] = claims_of(tokens["id_token"])
        return tokens


def claims_of(jwt: str) -> dict:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def walk(browser: requests.Session, url: str, *, stop: tuple[str, ...]) -> requests.Response:
    """Follow redirects (across both servers) until a URL starting with one of ``stop``, or a
    page; returns that last response (its ``url`` is where it stopped)."""
    for _ in range(30):
        if url.startswith(stop):
            response = requests.Response()
            response.url, response.status_code = url, 0
            return response
        response = browser.get(url, allow_redirects=False, timeout=15)
        if not response.is_redirect:
            return response
        url = urljoin(url, response.headers["Location"])
    raise AssertionError("too many redirects")


def post_form(browser: requests.Session, page: requests.Response, action: str, *,
              stop: tuple[str, ...], **fields: str) -> requests.Response:
    """Submit a form of ``page`` (its hidden fields, csrf included, plus ``fields``)."""
    form = {k: unescape(v) for k, v in HIDDEN.findall(page.text)}
    form.update(fields)
    posted = browser.post(urljoin(page.url, action), data=form, allow_redirects=False,
                          timeout=15)
    if not posted.is_redirect:
        return posted
    return walk(browser, urljoin(page.url, posted.headers["Location"]), stop=stop)


def events(services, event_type: str) -> list:
    """The audit events of one type, oldest first."""
    from sqlalchemy import select

    from idp.audit.record import AuditEvent

    with services.db.session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.type == event_type)
                                    .order_by(AuditEvent.id)))


HERE = Path(__file__).parent
# Wang Wu has an account here (L2, real-name verified) and one at the national platform.
ID_NUMBER = "11010519491231002X"
OTHER_ID_NUMBER = "110105194912310038"  # valid check digit, nobody's account here
USERNAME, PASSWORD = "wangwu", "Correct-horse-9"
PEOPLE = {
    "nat-wangwu": {"name": "王五", "resident_id": ID_NUMBER, "phone": "13900139000"},
    # Same name and phone as Wang Wu, another ID number: must never reach his account.
    "nat-lookalike": {"name": "王五", "resident_id": OTHER_ID_NUMBER, "phone": "13900139000"},
    "nat-newcomer": {"name": "赵六", "resident_id": "110101199003070011", "phone": "13700137000"},
}


def start_upstream(tmp_path: Path, base: str, name: str = "gov", *, port: int | None = None,
                   **client: object) -> tuple[subprocess.Popen, str]:
    """node oidc-provider on ``port`` with our client; ``client`` overrides its metadata."""
    port = port or free_port()
    config = tmp_path / f"upstream-{port}.json"
    config.write_text(json.dumps({"people": PEOPLE, "clients": [{k: v for k, v in {
        "client_id": UPSTREAM_CLIENT_ID, "client_secret": UPSTREAM_SECRET,
        # The same client serves a plain OAuth 2.0 registration ("pay") in its tests.
        "redirect_uris": [f"{base}/federation/{name}/callback", f"{base}/federation/pay/callback"],
        "post_logout_redirect_uris": [f"{base}/"],
        "backchannel_logout_uri": f"{base}/federation/{name}/backchannel-logout",
        "backchannel_logout_session_required": True,
        "token_endpoint_auth_method": "client_secret_basic",
        "id_token_signed_response_alg": "ES256", **client,
    }.items() if v is not None}]}))
    log = tmp_path / f"upstream-{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(["node", str(HERE / "upstream.mjs"), str(port), str(config)],
                                   stdout=output, stderr=subprocess.STDOUT)
    for _ in range(300):  # "ready <issuer>" within a few seconds, or it died
        if "ready http" in log.read_text() or process.poll() is not None:
            break
        time.sleep(0.05)
    assert "ready http" in log.read_text(), log.read_text()
    return process, f"http://127.0.0.1:{port}"


def next_upstream_person(issuer: str, sub: str) -> None:
    """Who logs in at the upstream next (its interaction logs them in without a form)."""
    assert requests.post(f"{issuer}/_next", params={"sub": sub}, timeout=5).text == "ok"


def login_through_upstream(base: str, rp, browser: requests.Session) -> requests.Response:
    """From the relying party's /authorize, through the login page's button, to wherever the
    flow stops (the relying party's redirect URI, or a page)."""
    page = walk(browser, rp.authorize_url(base), stop=(RP_REDIRECT,))
    assert "国家政务服务平台" in page.text
    login_id = page.url.split("login=")[1].split("&")[0]
    return walk(browser, f"{base}/federation/gov/start?login={login_id}",
                stop=(RP_REDIRECT, SECOND_RP_REDIRECT))
