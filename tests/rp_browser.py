"""A browser made of ``requests`` that walks a login across Yiwang and an upstream identity
provider, and the relying party's side of the code flow: shared by the OIDC and SAML upstream
tests (tests/federation_upstream, tests/federation_saml_upstream)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import requests

RP_REDIRECT = "http://127.0.0.1:9/callback"  # never contacted: the test reads the redirect
HIDDEN = re.compile(r'<input type="hidden" name="([\w-]+)" value="([^"]*)"')


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


def walk(browser: requests.Session, url: str, *, stop: tuple[str, ...] = (RP_REDIRECT,)
         ) -> requests.Response:
    """Follow redirects across both servers until a URL starting with one of ``stop``, or a
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


def submit(browser: requests.Session, page: requests.Response, action: str | None = None, *,
           stop: tuple[str, ...] = (RP_REDIRECT,), **fields: str) -> requests.Response:
    """Submit a form of ``page`` (its hidden fields, csrf included, plus ``fields``); action
    defaults to the page's first form's."""
    if action is None:
        action = unescape(re.search(r'<form[^>]* action="([^"]+)"', page.text).group(1))
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
