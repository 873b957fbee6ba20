"""What follows a login through the upstream (node oidc-provider): a first login confirmed
with a local password links; an unknown person gets a new account at the upstream's level; the
link is listed and removed on "my account"; the upstream's back-channel logout ends our session
and our logout reaches the upstream; an upstream that is down gets a clear page while the other
still works; a relying party can refuse federated logins."""

from __future__ import annotations

import re
import time
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from upstream_helpers import (
    PASSWORD,
    RP_REDIRECT,
    UPSTREAM_CLIENT_ID,
    USERNAME,
    events,
    login_through_upstream,
    next_upstream_person,
    submit,
    walk,
)

from clients.registry import register_client
from federation.contract import SourceKind
from federation.linking import links_of
from federation.upstreams import add_upstream
from idp.accounts.service import find_person_by_id_number, find_person_by_username
from idp.audit import SYSTEM_ACTOR
from tests.conftest import free_port

NEWCOMER_ID = "110101199003070011"
_FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', re.S)
_INPUT = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


def confirm_upstream_logout(browser: requests.Session, page: requests.Response) -> None:
    """Submit node's RP-initiated logout page as its script would (logout=yes)."""
    action, inner = _FORM.search(page.text).groups()
    form = {k: unescape(v) for k, v in _INPUT.findall(inner)}
    form["logout"] = "yes"
    done = browser.post(unescape(action), data=form, allow_redirects=False, timeout=15)
    assert done.status_code in (200, 303), done.text[:300]


def upstream_session_alive(browser: requests.Session, upstream: str, base: str) -> bool:
    """prompt=none at the upstream: a code back means its session lives (OIDC Core §3.1.2.1)."""
    answer = browser.get(f"{upstream}/auth?" + urlencode({
        "client_id": UPSTREAM_CLIENT_ID, "response_type": "code", "scope": "openid",
        "redirect_uri": f"{base}/federation/gov/callback", "prompt": "none", "state": "probe",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256"}), allow_redirects=False, timeout=15)
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    return "code" in query


def test_a_first_login_confirmed_with_the_local_password_links_that_account(live, upstream,
                                                                          rp):
    services, base = live
    next_upstream_person(upstream, "nat-newcomer")
    browser = requests.Session()
    page = login_through_upstream(base, rp, browser)
    wrong = submit(browser, page, "/federation/choose", stop=(RP_REDIRECT,),
                      choice="existing", username=USERNAME, password="not-it")
    assert "用户名或密码错误，未关联" in wrong.text
    wangwu = find_person_by_username(services, USERNAME)
    assert links_of(services, wangwu.id) == []
    arrived = submit(browser, wrong, "/federation/choose", stop=(RP_REDIRECT,),
                        choice="existing", username=USERNAME, password=PASSWORD)
    tokens = rp.redeem(base, arrived.url)
    assert "fed" in tokens["claims"]["amr"]
    assert [link.source for link in links_of(services, wangwu.id)] == ["gov"]
    assert [e.detail["how"] for e in events(services, "federation.link")] == ["confirmed"]
    # Told by SMS (the development outbox), naming the provider and nothing personal.
    outbox = (services.settings.data_dir / "outbox.jsonl").read_text()
    assert "已关联国家政务服务平台" in outbox


def test_an_unknown_person_gets_a_new_account_at_the_upstreams_level(live, upstream, rp):
    services, base = live
    next_upstream_person(upstream, "nat-newcomer")
    browser = requests.Session()
    page = login_through_upstream(base, rp, browser)
    arrived = submit(browser, page, "/federation/choose", stop=(RP_REDIRECT,), choice="new")
    tokens = rp.redeem(base, arrived.url)
    assert tokens["claims"]["acr"] == "2"
    person = find_person_by_id_number(services, NEWCOMER_ID)
    assert person is not None and person.name == "赵六" and person.assurance_level == 2
    assert person.phone_sealed is None  # an upstream's phone proves nothing here
    # The next login goes straight in, through the link.
    next_upstream_person(upstream, "nat-newcomer")
    again = login_through_upstream(base, rp, requests.Session())
    assert again.url.startswith(RP_REDIRECT)


def test_a_link_is_listed_on_my_account_and_removed(live, upstream, rp):
    services, base = live
    next_upstream_person(upstream, "nat-wangwu")
    browser = requests.Session()
    login_through_upstream(base, rp, browser)
    account = browser.get(f"{base}/account", timeout=10)
    assert "已关联的身份提供方" in account.text and "国家政务服务平台" in account.text
    link_id = re.search(r"/account/links/([\w-]+)/remove", account.text).group(1)
    page = browser.get(f"{base}/account/links/{link_id}/remove", timeout=10)
    # Logged in through the upstream a moment ago: fresh enough, no password asked.
    assert 'name="password"' not in page.text
    done = submit(browser, page, f"/account/links/{link_id}/remove", stop=())
    assert "已解除与国家政务服务平台的关联" in done.text
    wangwu = find_person_by_username(services, USERNAME)
    assert links_of(services, wangwu.id) == []
    assert [e.detail["source"] for e in events(services, "federation.unlink")] == ["gov"]
    assert "已解除与国家政务服务平台的关联" in (
        services.settings.data_dir / "outbox.jsonl").read_text()


def test_the_upstreams_backchannel_logout_ends_our_session(live, upstream, rp):
    services, base = live
    next_upstream_person(upstream, "nat-wangwu")
    browser = requests.Session()
    login_through_upstream(base, rp, browser)
    wangwu = find_person_by_username(services, USERNAME)
    assert len(services.sessions.for_account(wangwu.id)) == 1
    # The person logs out at the upstream: it POSTs a logout token to our back channel.
    page = browser.get(f"{upstream}/session/end?client_id={UPSTREAM_CLIENT_ID}", timeout=15)
    confirm_upstream_logout(browser, page)
    assert services.sessions.for_account(wangwu.id) == []
    logouts = events(services, "logout")
    assert [e.detail["initiator"] for e in logouts] == ["upstream:gov"]
    assert browser.get(f"{base}/account", allow_redirects=False, timeout=10).is_redirect


def test_a_forged_logout_token_is_refused(live, upstream):
    _, base = live
    answer = requests.post(f"{base}/federation/gov/backchannel-logout",
                           data={"logout_token": "e30.e30.e30"}, timeout=10)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"


def test_logging_out_here_logs_out_at_the_upstream(live, upstream, rp):
    _, base = live
    next_upstream_person(upstream, "nat-wangwu")
    browser = requests.Session()
    login_through_upstream(base, rp, browser)
    assert upstream_session_alive(browser, upstream, base)
    confirm = browser.get(f"{base}/logout", timeout=10)
    logged_out = submit(browser, confirm, "/logout", stop=())
    frames = [unescape(src) for src in re.findall(r'<iframe src="([^"]+)"', logged_out.text)]
    at_upstream = [f for f in frames if f.startswith(f"{upstream}/session/end")]
    assert len(at_upstream) == 1 and "id_token_hint=" in at_upstream[0]
    # What the frame does in a browser: node's page submits itself.
    confirm_upstream_logout(browser, browser.get(at_upstream[0], timeout=15))
    assert not upstream_session_alive(browser, upstream, base)


def test_an_upstream_that_is_down_gets_a_clear_page_and_the_other_still_works(
        live, upstream, rp, http_server):
    services, base = live
    hanging = http_server(lambda hit: (time.sleep(3), (200, b"{}"))[1])
    for name, issuer in (("down", f"http://127.0.0.1:{free_port()}"), ("slow", hanging.url)):
        add_upstream(services, name=name, kind=SourceKind.OIDC, display_name=name, config={
            "issuer": issuer, "client_id": "x", "scopes": ["openid"], "level": 1,
            "link_by": "none", "mapping": {}, "timeout": 1}, client_secret="s",
            actor=SYSTEM_ACTOR)
    browser = requests.Session()
    page = walk(browser, rp.authorize_url(base), stop=(RP_REDIRECT,))
    login_id = parse_qs(urlsplit(page.url).query)["login"][0]
    for name in ("down", "slow"):
        answer = browser.get(f"{base}/federation/{name}/start?login={login_id}", timeout=15)
        assert answer.status_code == 503
        assert "该身份提供方暂时不可用" in answer.text
    next_upstream_person(upstream, "nat-wangwu")
    arrived = walk(browser, f"{base}/federation/gov/start?login={login_id}",
                   stop=(RP_REDIRECT,))
    assert arrived.url.startswith(RP_REDIRECT)


@pytest.mark.parametrize("factors", [["password"], ["password", "sms"]])
def test_a_relying_party_refusing_federated_logins_gets_no_button_and_no_start(
        live, upstream, factors):
    services, base = live
    client, secret = register_client(services, {
        "client_name": "税务", "redirect_uris": [RP_REDIRECT], "first_party": True,
        "scope": "openid profile", "first_factors": factors}, SYSTEM_ACTOR)
    from upstream_helpers import Rp

    browser = requests.Session()
    page = walk(browser, Rp(client.client_id, secret).authorize_url(base), stop=(RP_REDIRECT,))
    assert "国家政务服务平台" not in page.text
    login_id = parse_qs(urlsplit(page.url).query)["login"][0]
    refused = browser.get(f"{base}/federation/gov/start?login={login_id}",
                          allow_redirects=False, timeout=10)
    assert refused.status_code == 303 and "/login" in refused.headers["Location"]
    assert not refused.headers["Location"].startswith(upstream)


def test_a_relying_party_requiring_federated_logins_shows_only_the_upstreams(live, upstream):
    services, base = live
    client, secret = register_client(services, {
        "client_name": "跨省通办", "redirect_uris": [RP_REDIRECT], "first_party": True,
        "scope": "openid profile", "first_factors": ["upstream"]}, SYSTEM_ACTOR)
    from upstream_helpers import Rp

    page = walk(requests.Session(), Rp(client.client_id, secret).authorize_url(base),
                stop=(RP_REDIRECT,))
    assert "国家政务服务平台" in page.text
    assert 'name="password"' not in page.text
