"""Helpers of the SAML tests: a browser without JavaScript and readers of SAML answers."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import requests

from idp.sso.session import COOKIE_NAME

PASSWORD = "correct horse battery"


class Browser:
    """A cookie-keeping HTTP client that reads pages the way a user agent without JS does."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()

    def get(self, url: str, allow_redirects: bool = True) -> requests.Response:
        answer = self.http.get(self._abs(url), timeout=10, allow_redirects=False)
        return self._follow(answer) if allow_redirects else answer

    def post(self, url: str, data: dict, allow_redirects: bool = True) -> requests.Response:
        answer = self.http.post(self._abs(url), data=data, timeout=10, allow_redirects=False)
        return self._follow(answer) if allow_redirects else answer

    def _follow(self, answer: requests.Response) -> requests.Response:
        """Follow redirects within the IdP only: the SPs' hosts do not exist here."""
        while answer.is_redirect and self._abs(answer.headers["Location"]).startswith(self.base):
            answer = self.http.get(self._abs(answer.headers["Location"]), timeout=10,
                                   allow_redirects=False)
        return answer

    def _abs(self, url: str) -> str:
        return url if url.startswith("http") else self.base + url

    def set_session(self, token: str) -> None:
        self.http.cookies.set(COOKIE_NAME, token, domain="127.0.0.1", path="/")

    def login(self, page: requests.Response, username: str = "alice",
              password: str = PASSWORD) -> requests.Response:
        """Fill the login form on page and submit it; follows redirects back into SAML."""
        assert "/login" in page.url
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        login = re.search(r'name="login" value="([^"]+)"', page.text)
        data = {"csrf_token": csrf, "username": username, "password": password,
                "door": "person", **({"login": login.group(1)} if login else {})}
        return self.post("/login", data)


def form_of(page: requests.Response) -> tuple[str, dict[str, str]]:
    """(action, fields) of the SAML auto-submit form on page."""
    assert page.status_code == 200, page.text[:500]
    action = re.search(r'<form id="saml-post" method="post" action="([^"]+)"', page.text)
    assert action, page.text[:2000]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    return unescape(action.group(1)), {k: unescape(v) for k, v in fields.items()}


def status_seen_by(sp, fields: dict[str, str]) -> str:
    """What pysaml2 makes of our Response: "Success", or the status error it raises."""
    from saml2.response import StatusError

    try:
        sp.accept(fields["SAMLResponse"])
    except StatusError as error:
        return type(error).__name__
    return "Success"


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
