"""Relying parties name the upstream identity providers they accept (issue 15), as Keycloak
restricts a client's identity providers: the login page shows only those buttons, the others'
/start and callback are refused, and a session made through another upstream does not answer
them without a new login. Two upstreams, both node oidc-provider: "gov" (OpenID Connect) and
"pay" (the same node registered as plain OAuth 2.0)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from upstream_helpers import (
    RP_REDIRECT,
    SECOND_RP_REDIRECT,
    Rp,
    add_pay_upstream,
    events,
    next_upstream_person,
    walk,
)

from federation.upstream_login import UpstreamNotAllowed, arrive, begin
from idp.audit import SYSTEM_ACTOR


@pytest.fixture
def pay(live, upstream, cli):
    """The same node as a plain OAuth 2.0 upstream "pay" (支付平台), linking by ID number."""
    _, base = live
    added = add_pay_upstream(cli, upstream, base)
    assert added.exit_code == 0, added.output
    return "pay"


@pytest.fixture
def gov_only(live, upstream, pay, cli):
    """A relying party registered with ``idp clients add --upstream gov``."""
    added = cli("clients", "add", "--name", "跨省通办", "--redirect-uri", SECOND_RP_REDIRECT,
                "--first-party", "--scope", "openid", "--scope", "profile",
                "--upstream", "gov", "--json")
    assert added.exit_code == 0, added.output
    client = json.loads(added.stdout)
    assert client["upstreams"] == ["gov"]
    return Rp(client["client_id"], client["client_secret"], SECOND_RP_REDIRECT)


def _login_page(browser: requests.Session, base: str, rp: Rp) -> tuple[requests.Response, str]:
    page = walk(browser, rp.authorize_url(base), stop=(RP_REDIRECT, SECOND_RP_REDIRECT))
    assert page.url.startswith(f"{base}/login"), page.url
    return page, parse_qs(urlsplit(page.url).query)["login"][0]


def test_a_relying_party_limited_to_one_upstream_shows_only_its_button(live, gov_only):
    _, base = live
    page, _ = _login_page(requests.Session(), base, gov_only)
    assert "/federation/gov/start" in page.text and "国家政务服务平台" in page.text
    assert "/federation/pay/start" not in page.text and "支付平台" not in page.text
    assert 'name="password"' in page.text  # its other first factors stay


def test_every_enabled_upstream_is_shown_when_a_relying_party_names_none(live, pay, rp):
    _, base = live
    page, _ = _login_page(requests.Session(), base, rp)
    assert "/federation/gov/start" in page.text and "/federation/pay/start" in page.text


def test_starting_at_an_upstream_the_request_does_not_allow_is_refused_and_audited(
        live, gov_only):
    services, base = live
    browser = requests.Session()
    _, login_id = _login_page(browser, base, gov_only)
    refused = browser.get(f"{base}/federation/pay/start?login={login_id}",
                          allow_redirects=False, timeout=10)
    assert refused.status_code == 303
    assert refused.headers["Location"].endswith(f"/login?login={login_id}")
    back = browser.get(base + refused.headers["Location"], timeout=10)
    assert "此服务不接受通过「支付平台」登录" in back.text
    failure = events(services, "login")[-1]
    assert failure.outcome == "failure" and failure.client_id == gov_only.client_id
    assert failure.detail["source"] == "pay"
    assert failure.detail["reason"] == "upstream_not_allowed"


def test_a_session_made_through_another_upstream_needs_a_new_login(live, upstream, rp,
                                                                   gov_only):
    _, base = live
    next_upstream_person(upstream, "nat-wangwu")
    browser = requests.Session()
    # Through "pay" at a relying party that takes every upstream.
    _, login_id = _login_page(browser, base, rp)
    arrived = walk(browser, f"{base}/federation/pay/start?login={login_id}",
                   stop=(RP_REDIRECT,))
    assert arrived.url.startswith(RP_REDIRECT)
    # The gov-only relying party is not answered by that session: its login page instead.
    page, login_id = _login_page(browser, base, gov_only)
    assert "/federation/pay/start" not in page.text
    # A login through "gov" answers it, and then roams to it without a login page.
    arrived = walk(browser, f"{base}/federation/gov/start?login={login_id}",
                   stop=(SECOND_RP_REDIRECT,))
    assert arrived.url.startswith(SECOND_RP_REDIRECT), arrived.url
    assert "fed" in gov_only.redeem(base, arrived.url)["claims"]["amr"]
    again = walk(browser, gov_only.authorize_url(base), stop=(SECOND_RP_REDIRECT,))
    assert again.url.startswith(SECOND_RP_REDIRECT)


def test_an_upstreams_answer_for_a_request_that_does_not_allow_it_is_refused(
        live, upstream, gov_only):
    """/start refuses first; this is the callback's own check, for a browser sent to "pay"
    with the gov-only request some other way: nothing is redeemed, nobody logs in."""
    services, base = live
    next_upstream_person(upstream, "nat-wangwu")
    browser = requests.Session()
    _, login_id = _login_page(browser, base, gov_only)
    url, _ = begin(services, "pay", login_id=login_id)
    landed = walk(browser, url, stop=(f"{base}/federation/pay/callback",))
    params = {k: v[0] for k, v in parse_qs(urlsplit(landed.url).query).items()}
    with pytest.raises(UpstreamNotAllowed) as refused:
        arrive(services, "pay", params=params, actor=SYSTEM_ACTOR)
    assert refused.value.login_id == login_id
    assert "此服务不接受" in refused.value.description
    failure = events(services, "login")[-1]
    assert failure.outcome == "failure" and failure.detail["reason"] == "upstream_not_allowed"
    assert failure.client_id == gov_only.client_id
