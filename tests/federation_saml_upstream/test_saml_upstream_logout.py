"""Single logout across the SAML upstream: logging out at the other province's Yiwang ends the
session it gave us (its signed LogoutRequest to our SLO service, loaded by its logout page),
and logging out here tells the upstream (our signed LogoutRequest, loaded by ours)."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urljoin

import pytest
import requests
from conftest import NAME
from saml_upstream_helpers import RP_REDIRECT, events, walk
from test_saml_upstream_login import post_answer, upstream_answer

pytestmark = [pytest.mark.filterwarnings("ignore:unclosed file:ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]


def logged_in(browser, base: str, rp) -> None:
    action, fields = upstream_answer(browser, base, rp)
    assert post_answer(browser, action, fields).url.startswith(RP_REDIRECT)


def log_out(browser, site: str) -> list[str]:
    """Log out at site through its pages; the front-channel iframes its logout page loads."""
    confirm = browser.get(f"{site}/logout", timeout=15)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', confirm.text).group(1)
    done = browser.post(f"{site}/logout", data={"csrf_token": csrf}, timeout=15)
    assert done.status_code == 200
    return [unescape(src) for src in re.findall(r'<iframe src="([^"]+)"', done.text)]


def load_frame(browser, url: str) -> requests.Response:
    """What the browser does with a hidden iframe: follow it (redirects included)."""
    return walk(browser, url, stop=("http://never",))


def test_logging_out_at_the_upstream_ends_our_session(live, saml_upstream, rp):
    services, base = live
    browser = requests.Session()
    logged_in(browser, base, rp)
    assert walk(browser, rp.authorize_url(base)).url.startswith(RP_REDIRECT)  # SSO here
    frames = log_out(browser, saml_upstream)
    ours = [f for f in frames if f.startswith(f"{base}/federation/{NAME}/slo?SAMLRequest=")]
    assert ours, frames
    # The frame is loaded without our cookies (a third-party iframe): the request alone counts.
    answer = load_frame(requests.Session(), ours[0])
    assert answer.status_code == 200
    again = walk(browser, rp.authorize_url(base))
    assert "/login" in again.url and again.url.startswith(base)  # our session ended
    ended = [e for e in events(services, "logout")
             if e.detail.get("initiator") == f"upstream:{NAME}"]
    assert ended


def test_logging_out_here_tells_the_upstream(live, saml_upstream, rp):
    services, base = live
    browser = requests.Session()
    logged_in(browser, base, rp)
    frames = log_out(browser, base)
    theirs = [f for f in frames if f.startswith(f"{saml_upstream}/saml/slo?SAMLRequest=")]
    assert theirs, frames
    load_frame(requests.Session(), theirs[0])  # a third-party iframe: no cookies either
    # The upstream's session is gone: logging in through it asks for the password again.
    login = walk(browser, rp.authorize_url(base))
    start = re.search(rf'href="([^"]*/federation/{NAME}/start[^"]*)"', login.text).group(1)
    upstream_page = walk(browser, urljoin(login.url, unescape(start)))
    assert upstream_page.url.startswith(f"{saml_upstream}/login")
    assert 'name="password"' in upstream_page.text


def test_an_unsigned_logout_request_ends_nothing(live, saml_upstream, rp):
    services, base = live
    browser = requests.Session()
    logged_in(browser, base, rp)
    frames = log_out(browser, saml_upstream)
    ours = next(f for f in frames if f.startswith(f"{base}/federation/{NAME}/slo?"))
    unsigned = re.sub(r"&SigAlg=[^&]*|&Signature=[^&]*", "", ours)
    assert requests.get(unsigned, timeout=15).status_code == 400
    refused = [e for e in events(services, "logout") if e.outcome == "failure"]
    assert refused[-1].detail == {"initiator": f"upstream:{NAME}", "reason": "signature"}
    assert walk(browser, rp.authorize_url(base)).url.startswith(RP_REDIRECT)  # still in

