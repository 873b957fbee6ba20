"""Signing in to the console through the IdP itself (OIDC code flow + PKCE, acr 3), over
real HTTP against a live server."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
import requests

from admin.first_party import CONSOLE_NAME, find_console_client
from admin.roles import Role
from tests.admin.admin_helpers import ADMIN_PASSWORD, enrol_totp


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


def _password_step(browser: requests.Session, base: str, username: str) -> requests.Response:
    page = browser.get(base + "/admin/login")
    assert "/login" in page.url, page.url
    login_id = parse_qs(urlsplit(page.url).query)["login"][0]
    return browser.post(base + "/login", data={
        "csrf_token": _csrf(page.text), "username": username, "password": ADMIN_PASSWORD,
        "login": login_id, "door": "person"})


@pytest.fixture
def live(live_app, make_admin):
    app, base = live_app
    return app.extensions["yiwang"], base


def test_the_console_registers_itself_as_a_first_party_level_3_client(live):
    services, base = live
    client = find_console_client(services)
    assert client.name == CONSOLE_NAME and client.first_party and client.min_level == 3
    assert base + "/admin/callback" in client.redirect_uris


def test_an_admin_signs_in_with_password_and_totp_through_the_idp(live, make_admin):
    services, base = live
    admin = make_admin(Role.SYSTEM_ADMIN)
    secret = enrol_totp(services, admin.account_id, admin.username)
    browser = requests.Session()
    otp_page = _password_step(browser, base, admin.username)
    assert "/login/otp" in otp_page.url
    done = browser.post(base + "/login/otp", data={
        "csrf_token": _csrf(otp_page.text), "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and urlsplit(done.url).path == "/admin/relying-parties"
    assert admin.username in done.text
    me = browser.get(base + "/admin/api/me").json()
    assert me["roles"] == [{"role": "system_admin", "department": None}]


def test_a_password_alone_does_not_open_the_console(live, make_admin):
    services, base = live
    admin = make_admin(Role.SYSTEM_ADMIN)  # no second factor enrolled: level 2 at most
    browser = requests.Session()
    after = _password_step(browser, base, admin.username)
    # The IdP itself stops the login: the console's client policy needs level 3.
    assert urlsplit(after.url).path == "/login/level"
    assert browser.get(base + "/admin/api/me").status_code == 401


def test_a_citizen_with_totp_but_no_admin_role_is_refused(live, make_admin):
    services, base = live
    person = make_admin(None)
    secret = enrol_totp(services, person.account_id, person.username)
    browser = requests.Session()
    otp_page = _password_step(browser, base, person.username)
    done = browser.post(base + "/login/otp", data={
        "csrf_token": _csrf(otp_page.text), "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 403
    assert "请安全管理员在“管理员”页面授予角色" in done.text  # who can fix it, and where
    assert browser.get(base + "/admin/api/me").status_code == 401


@pytest.mark.parametrize("state", ["forged", "é", "状态"])
def test_a_forged_callback_is_refused(live, state):
    _, base = live
    browser = requests.Session()
    browser.get(base + "/admin/login")
    response = browser.get(base + "/admin/callback", params={"code": "abc", "state": state})
    assert response.status_code == 403
