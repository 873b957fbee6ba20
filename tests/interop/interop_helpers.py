"""A browser made of ``requests`` that logs in through the real login form."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urljoin

import requests

USERNAME, PASSWORD = "wangwu", "Correct-horse-9"
REDIRECT = "http://127.0.0.1:9/callback"  # never contacted: the test reads the redirect
POST_LOGOUT = "http://127.0.0.1:9/logged-out"
# A second relying party on the same origin (Front-Channel Logout §2: the logout URI shares
# scheme, host and port with a redirect URI) that only listens on the front channel.
FRONT_REDIRECT = "http://127.0.0.1:9/front/callback"
FRONT_LOGOUT = "http://127.0.0.1:9/front/logout"

_HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


def browse(browser: requests.Session, url: str, base: str, username: str, password: str) -> str:
    """Follow the flow from url until it leaves the IdP; log in when the login form shows.
    Returns the URL the IdP finally sends the browser to (the relying party's)."""
    for _ in range(20):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            if not url.startswith(base):
                return url
            continue
        assert response.status_code == 200, response.text[:300]
        if 'name="password"' not in response.text:
            return url
        form = {k: unescape(v) for k, v in _HIDDEN.findall(response.text)}
        form.update(username=username, password=password)
        posted = browser.post(base + "/login", data=form, allow_redirects=False, timeout=10)
        assert posted.status_code == 303, posted.text[:300]
        url = urljoin(url, posted.headers["Location"])
    raise AssertionError("too many redirects")
