"""The login methods in a real Chromium at 1280 and 390 px (issue 13): scan to log in with the
page's own script polling while a scripted app (requests, a real access token from a real code
flow) scans and confirms; SMS code login without JavaScript; a relying party's first-factor
policy on the page. Screenshots in test-output/login_methods/."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from methods_helpers import APP_REDIRECT, PHONE, REDIRECT, RelyingParty, login_codes

from tests.login.login_helpers import PASSWORD

pytestmark = pytest.mark.browser
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def _app_token(base: str, username: str, password: str) -> dict:
    """The provincial app's sign-in (code flow, PKCE, public client yiwang-app) over HTTP."""
    http = requests.Session()
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    asked = http.get(f"{base}/authorize", allow_redirects=False, timeout=10, params={
        "response_type": "code", "client_id": "yiwang-app", "redirect_uri": APP_REDIRECT,
        "scope": "openid profile", "state": "app", "code_challenge": challenge,
        "code_challenge_method": "S256"})
    login_id = parse_qs(urlsplit(asked.headers["Location"]).query)["login"][0]
    form = http.get(f"{base}/login", params={"login": login_id}, timeout=10)
    csrf = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    done = http.post(f"{base}/login", allow_redirects=False, timeout=10, data={
        "csrf_token": csrf, "username": username, "password": password, "door": "person",
        "login": login_id})
    back = http.get(urljoin(base, done.headers["Location"]), allow_redirects=False, timeout=10)
    code = parse_qs(urlsplit(back.headers["Location"]).query)["code"][0]
    tokens = http.post(f"{base}/token", timeout=10, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": APP_REDIRECT,
        "client_id": "yiwang-app", "code_verifier": verifier})
    assert tokens.status_code == 200, tokens.text
    return tokens.json()


def _authorize_url(base: str, rp: RelyingParty) -> str:
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(rp.verifier.encode()).digest()).rstrip(b"=").decode()
    query = requests.models.RequestEncodingMixin._encode_params({
        "response_type": "code", "client_id": rp.client.client_id, "redirect_uri": REDIRECT,
        "scope": "openid profile", "state": "s-1", "nonce": "n-1",
        "code_challenge": challenge, "code_challenge_method": "S256"})
    return f"{base}/authorize?{query}"


def _redeem(base: str, rp: RelyingParty, url: str, svc) -> dict:
    code = parse_qs(urlsplit(url).query)["code"][0]
    tokens = requests.post(f"{base}/token", auth=(rp.client.client_id, rp.secret), timeout=10,
                           data={"grant_type": "authorization_code", "code": code,
                                 "redirect_uri": REDIRECT, "code_verifier": rp.verifier})
    assert tokens.status_code == 200, tokens.text
    return svc.signing_keys.verify_jwt(tokens.json()["id_token"], ["RS256"])


def _context(chromium, size: str, *, js: bool = True):
    return chromium.new_context(viewport=SIZES[size], locale="zh-CN", java_script_enabled=js,
                                device_scale_factor=1, is_mobile=size == "phone")


def _to_relying_party(page):
    """Catches the browser's request to the relying party's callback (its host does not
    resolve here): the URL holds the code."""
    return page.expect_request(lambda r: r.url.startswith(REDIRECT), timeout=30_000)


def _fits(page) -> None:
    """Nothing sticks out sideways (a phone would scroll it)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_scan_to_log_in_in_chromium_with_a_scripted_app(live_app, svc, person, chromium, shot,
                                                        size):
    _, base = live_app
    alice = person("alice", level=2)
    tokens = _app_token(base, "alice", PASSWORD)
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    rp = RelyingParty(svc, name="医保服务", min_level=2)
    context = _context(chromium, size)
    page = context.new_page()
    try:
        page.goto(_authorize_url(base, rp))
        page.click("nav.login-tabs >> text=扫码登录")
        page.wait_for_selector(".scan-code svg")
        assert "医保服务" in page.inner_text("main")
        _fits(page)
        shot(page, f"{size}-scan-1-code")
        scan_id = page.get_attribute("#scan-finish input[name=id]", "value")

        shown = requests.get(f"{base}/scan/{scan_id}", headers=bearer, timeout=10)
        assert shown.json()["site"] == "医保服务"
        assert "Chrome" in shown.json()["browser"]["user_agent"]
        page.wait_for_selector("text=已扫描，请在手机上确认登录")  # the page's script polled
        shot(page, f"{size}-scan-2-scanned")
        with _to_relying_party(page) as back:  # the page's script finishes the login
            confirmed = requests.post(f"{base}/scan/{scan_id}", json={"decision": "confirm"},
                                      headers=bearer, timeout=10)
            assert confirmed.status_code == 200
        claims = _redeem(base, rp, back.value.url, svc)
        assert claims["sub"] == alice.id and claims["amr"] == ["mca"] and claims["acr"] == "2"
    finally:
        context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_sms_login_in_chromium_without_javascript(live_app, svc, settings, person, chromium,
                                                  shot, size):
    _, base = live_app
    person("alice", level=2)
    rp = RelyingParty(svc, name="社保查询", first_factors=["password", "sms"])
    context = _context(chromium, size, js=False)
    page = context.new_page()
    try:
        page.goto(_authorize_url(base, rp))
        text = page.inner_text("main")
        assert "此服务仅接受以下登录方式：密码、短信验证码" in text and "扫码登录" not in text
        page.click("nav.login-tabs >> text=短信登录")
        _fits(page)
        shot(page, f"{size}-sms-1-phone")
        page.fill("input[name=phone]", PHONE)
        page.click("text=获取验证码")
        page.wait_for_url(f"{base}/login/sms/code")
        assert "138****5678" in page.inner_text("main")
        page.fill("input[name=code]", "000000" if login_codes(settings)[-1] != "000000"
                  else "111111")
        page.click("button:has-text('登录')")
        assert "验证码不正确" in page.inner_text("main")
        _fits(page)
        shot(page, f"{size}-sms-2-code-wrong")
        page.fill("input[name=code]", login_codes(settings)[-1])
        with _to_relying_party(page) as back:
            page.click("button:has-text('登录')", no_wait_after=True)
        claims = _redeem(base, rp, back.value.url, svc)
        assert claims["amr"] == ["sms"] and claims["acr"] == "1"

        strict = RelyingParty(svc, name="不动产登记", first_factors=["passkey", "scan"])
        page.goto(_authorize_url(base, strict))
        text = page.inner_text("main")
        assert "此服务仅接受以下登录方式" in text and "密码" not in text.split("登录方式：")[1][:20]
        assert page.locator("input[name=password]").count() == 0
        _fits(page)
        shot(page, f"{size}-policy-passkey-or-scan")
    finally:
        context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_scan_to_log_in_without_javascript_checks_once_per_click(live_app, svc, person,
                                                                 chromium, shot, size):
    _, base = live_app
    person("alice", level=2)
    tokens = _app_token(base, "alice", PASSWORD)
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    rp = RelyingParty(svc, name="公积金查询")
    context = _context(chromium, size, js=False)
    page = context.new_page()
    try:
        page.goto(_authorize_url(base, rp))
        page.click("nav.login-tabs >> text=扫码登录")
        scan_id = page.get_attribute("#scan-finish input[name=id]", "value")
        page.click("text=我已在手机上确认")  # too early: not confirmed yet
        assert "尚未在手机上确认" in page.inner_text("main")
        _fits(page)
        shot(page, f"{size}-scan-3-not-yet-no-js")
        # The same code again: the one the phone may already have scanned.
        assert page.get_attribute("#scan-finish input[name=id]", "value") == scan_id
        requests.post(f"{base}/scan/{scan_id}", json={"decision": "confirm"}, headers=bearer,
                      timeout=10)
        with _to_relying_party(page) as back:
            page.click("text=我已在手机上确认", no_wait_after=True)
        assert _redeem(base, rp, back.value.url, svc)["amr"] == ["mca"]
    finally:
        context.close()
