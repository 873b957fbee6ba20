"""The console end to end in a real Chromium: an admin signs in with TOTP and registers an
OIDC client, a citizen logs in to it, and the audit officer finds and exports that login."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pyotp
import pytest
import requests

from admin.roles import Role
from tests.admin.admin_helpers import ADMIN_PASSWORD, enrol_totp

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _sign_in(page, base: str, username: str, secret: str) -> None:
    page.goto(base + "/admin/login")
    page.fill("#username", username)
    page.fill("#password", ADMIN_PASSWORD)
    page.click("main form button[type=submit]")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("main form button[type=submit]")
    page.wait_for_url("**/admin/**")


def test_an_oidc_client_registered_in_the_console_is_used_and_its_login_is_audited(
    live_app, make_admin, citizen, chromium, relying_party, output_dir
):
    app, base = live_app
    services = app.extensions["yiwang"]
    system = make_admin(Role.SYSTEM_ADMIN)
    system_secret = enrol_totp(services, system.account_id, system.username)
    officer = make_admin(Role.AUDIT_ADMIN)
    officer_secret = enrol_totp(services, officer.account_id, officer.username)

    # 1. The system administrator signs in (password + TOTP) and registers a client.
    admin_page = chromium.new_page(viewport=DESKTOP, locale="zh-CN")
    _sign_in(admin_page, base, system.username, system_secret)
    admin_page.goto(base + "/admin/clients/new")
    admin_page.fill("#client_name", "不动产登记中心")
    admin_page.fill("#department", "自然资源厅")
    admin_page.fill("#redirect_uris", relying_party + "/callback")
    admin_page.check("input[name=allowed_claims][value=name]")
    admin_page.fill("#reason", "新系统接入（工单 42）")
    admin_page.screenshot(path=str(output_dir / "admin-register-desktop.png"), full_page=True)
    admin_page.click("main form button[type=submit]")
    client_id = admin_page.inner_text("#client-id").strip()
    client_secret = admin_page.inner_text("#client-secret").strip()
    assert client_id and client_secret

    # 2. A citizen logs in to that client: authorization code flow with PKCE, consent.
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    citizen_page = chromium.new_page(viewport=PHONE, locale="zh-CN")
    citizen_page.goto(base + "/authorize?" + urlencode({
        "response_type": "code", "client_id": client_id, "scope": "openid profile",
        "redirect_uri": relying_party + "/callback", "state": "s1", "nonce": "n1",
        "code_challenge": challenge.rstrip(b"=").decode(), "code_challenge_method": "S256"}))
    citizen_page.fill("#username", citizen.username)
    citizen_page.fill("#password", "citizen-pass-123")
    citizen_page.click("main form button[type=submit]")
    if "/authorize/consent" in citizen_page.url:
        citizen_page.click("button[value=allow]")
    citizen_page.wait_for_url(relying_party + "/callback**")
    answer = parse_qs(urlsplit(citizen_page.url).query)
    assert answer["state"] == ["s1"]
    tokens = requests.post(base + "/token", auth=(client_id, client_secret), data={
        "grant_type": "authorization_code", "code": answer["code"][0],
        "redirect_uri": relying_party + "/callback", "code_verifier": verifier}, timeout=10)
    assert tokens.status_code == 200, tokens.text
    assert "id_token" in tokens.json()

    # 3. The audit officer finds that login and exports it.
    officer_page = chromium.new_page(viewport=DESKTOP, locale="zh-CN")
    _sign_in(officer_page, base, officer.username, officer_secret)
    officer_page.goto(base + "/admin/audit")
    officer_page.fill("#client_id", client_id)
    officer_page.select_option("#type", "login")
    officer_page.click(".filter-submit button")
    table = officer_page.inner_text("table.audit")
    assert citizen.username in table and "成功" in table
    with officer_page.expect_download() as download:
        officer_page.click("#export-csv")
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert [(r["type"], r["username"], r["client_id"]) for r in rows] == [
        ("login", citizen.username, client_id)]
    officer_page.screenshot(path=str(output_dir / "admin-audit-desktop.png"), full_page=True)

    # 4. The dashboard, on a desktop and on a phone.
    officer_page.goto(base + "/admin/dashboard")
    assert officer_page.locator("svg.chart").count() >= 2
    officer_page.screenshot(path=str(output_dir / "admin-dashboard-desktop.png"), full_page=True)
    officer_page.set_viewport_size(PHONE)
    officer_page.screenshot(path=str(output_dir / "admin-dashboard-phone.png"), full_page=True)
    officer_page.goto(base + "/admin/audit")
    officer_page.screenshot(path=str(output_dir / "admin-audit-phone.png"))
    admin_page.goto(base + f"/admin/clients/{client_id}")
    assert client_secret not in admin_page.content()  # shown once, at registration only
    admin_page.screenshot(path=str(output_dir / "admin-client-desktop.png"), full_page=True)
    admin_page.goto(base + "/admin/keys")
    admin_page.screenshot(path=str(output_dir / "admin-keys-desktop.png"), full_page=True)
    admin_page.click("nav.admin-nav >> text=系统设置")
    assert services.settings.kek not in admin_page.content()  # the KEK is only "set"
    assert admin_page.locator("text=IDP_SESSION_ABSOLUTE_SECONDS").count() == 1
    admin_page.screenshot(path=str(output_dir / "admin-settings-desktop.png"), full_page=True)
    admin_page.set_viewport_size(PHONE)
    admin_page.goto(base + "/admin/relying-parties")
    admin_page.screenshot(path=str(output_dir / "admin-relying-parties-phone.png"),
                          full_page=True)


def test_a_security_administrator_finds_a_citizen_by_id_number_and_ends_their_sessions(
    live_app, make_admin, citizen, chromium, output_dir
):
    app, base = live_app
    services = app.extensions["yiwang"]
    security = make_admin(Role.SECURITY_ADMIN)
    secret = enrol_totp(services, security.account_id, security.username)
    number = services.cipher.open(citizen.id_number_sealed, "person.id_number")
    for _ in range(2):
        services.sessions.create(account_id=citizen.id, username=citizen.username, level=2,
                                 amr=["pwd"])
    page = chromium.new_page(viewport=DESKTOP, locale="zh-CN")
    _sign_in(page, base, security.username, secret)
    page.goto(base + "/admin/accounts")
    page.fill("input[name=q]", number)
    page.click("form.search button")
    assert number not in page.url  # searched by POST: the ID number is in no URL
    page.click(f"text={citizen.username}")
    assert page.locator("text=在线会话 (2)").count() == 1
    page.screenshot(path=str(output_dir / "admin-account-desktop.png"), full_page=True)
    page.fill("#reason-logout", "本人电话申请（工单 7）")
    page.click(f"form[action$='{citizen.id}/logout'] button")
    assert page.locator("text=在线会话 (0)").count() == 1
    assert services.sessions.for_account(citizen.id) == []
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(output_dir / "admin-account-phone.png"), full_page=True)
