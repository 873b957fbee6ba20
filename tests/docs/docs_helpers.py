"""A browser made of ``requests`` that goes through the IdP's pages as a person would, without
JavaScript: the login form, the consent page, confirmation forms and meta refreshes."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urljoin

import requests

USERNAME, PASSWORD = "zhaoliu", "Quiet-river-2024"
ID_NUMBER = "11010519491231002X"

_FORM = re.compile(r'<form method="post" action="([^"]*)"[^>]*>(.*?)</form>', re.S)
_HIDDEN = re.compile(r'<input type="hidden" name="([\w-]+)" value="([^"]*)"')
_REFRESH = re.compile(r'<meta http-equiv="refresh" content="\d+;\s*url=([^"]+)"', re.I)


def form_fields(html: str, marker: str) -> tuple[str, dict[str, str]]:
    """(action, hidden fields) of the first POST form whose body contains marker."""
    for action, body in _FORM.findall(html):
        if marker in body:
            return unescape(action), {k: unescape(v) for k, v in _HIDDEN.findall(body)}
    raise AssertionError(f"no form with {marker!r}: {html[:400]}")


def walk(browser: requests.Session, url: str, idp_base: str, *, log_in: bool = True,
         stop_at: str | None = None) -> requests.Response:
    """Follow url through redirects on both sites; log in and allow consent at the IdP.
    Ends at the first page that needs no action (or whose text contains stop_at)."""
    for _ in range(30):
        page = browser.get(url, allow_redirects=False, timeout=10)
        if page.is_redirect:
            url = urljoin(url, page.headers["Location"])
            continue
        if stop_at and stop_at in page.text:
            return page
        if log_in and 'name="password"' in page.text:
            action, form = form_fields(page.text, 'name="password"')
            form.update(username=USERNAME, password=PASSWORD)
        elif 'name="decision"' in page.text:
            action, form = form_fields(page.text, 'name="decision"')
            form.update(decision="allow")
        elif url.startswith(idp_base) and (refresh := _REFRESH.search(page.text)):
            url = urljoin(url, unescape(refresh.group(1)))
            continue
        else:
            return page
        posted = browser.post(urljoin(url, action), data=form, allow_redirects=False,
                              timeout=10)
        assert posted.is_redirect, posted.text[:400]
        url = urljoin(url, posted.headers["Location"])
    raise AssertionError("too many steps")
