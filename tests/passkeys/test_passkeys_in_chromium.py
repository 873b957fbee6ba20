"""Passkeys as a person uses them in Chromium with its virtual authenticator: registered from
my account, then the second factor after the password at a relying party that needs level 3,
then a passwordless login; screenshots in test-output/passkeys/ at 1280 and 390 px."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from idp.accounts import service
from idp.accounts.identity_numbers import id_number_check_char
from idp.audit import SYSTEM_ACTOR, AuditEvent
from idp.authn.passkeys.models import Passkey
from tests.passkeys.passkey_helpers import PASSWORD, add_passkey, password_login

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_person_adds_a_passkey_then_uses_it_as_second_factor_and_alone(
        svc, base, zhangsan, level3_site, browser_page, shot, size):
    page, authenticator = browser_page(size)
    password_login(page, base)
    page.wait_for_url(f"{base}/account")
    page.goto(f"{base}/account/passkeys")
    shot(page, f"{size}-01-passkeys-empty")
    add_passkey(page, base, "我的手机")
    shot(page, f"{size}-02-passkey-added")
    with svc.db.session() as session:
        stored = session.scalars(select(Passkey)).one()
    assert stored.account_id == zhangsan.id and stored.name == "我的手机"
    assert stored.method == "swk" and stored.transports == ["internal"]
    assert len(authenticator.credentials()) == 1  # a discoverable credential

    # Second factor: the password, then the passkey, at a site needing level 3.
    page.context.clear_cookies()
    page.goto(level3_site.authorize_url())
    page.wait_for_url(f"{base}/login?**")
    shot(page, f"{size}-03-login-door")
    page.fill("input[name=username]", "zhangsan")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action$='/login'] button[type=submit]")
    page.wait_for_url(f"{base}/login/otp")
    assert "验证码" not in page.inner_text("main")  # no authenticator app: the passkey only
    shot(page, f"{size}-04-second-factor")
    with page.expect_navigation(url=f"{level3_site.redirect_uri}**"):
        page.click("button[data-passkey=get]")
    claims = level3_site.id_token_claims(page.url)
    assert claims["acr"] == "3" and claims["amr"] == ["pwd", "swk", "user"]

    # Passwordless: the discoverable credential with user verification, level 3 again.
    page.context.clear_cookies()
    page.goto(level3_site.authorize_url())
    page.wait_for_url(f"{base}/login?**")
    with page.expect_navigation(url=f"{level3_site.redirect_uri}**"):
        page.click("text=刷脸/指纹登录 · Passkey")
    claims = level3_site.id_token_claims(page.url)
    assert claims["acr"] == "3" and claims["amr"] == ["swk", "user", "mfa"]
    assert claims["sub"]

    page.goto(f"{base}/account")
    assert "通行密钥" in page.inner_text("main")
    shot(page, f"{size}-05-account")
    page.goto(f"{base}/account/history")
    history = page.inner_text("main")
    assert "用通行密钥登录" in history and "通过两步验证（通行密钥）" in history
    assert "添加通行密钥" in history and "绑定验证器" not in history
    with svc.db.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.type.in_(
            ["mfa.enrol", "login.mfa", "login"])).order_by(AuditEvent.id)).all()
    passkey_events = [(e.type, e.outcome, e.detail.get("method"), e.detail.get("methods"))
                      for e in events if "passkey" in str(e.detail)]
    assert passkey_events == [("mfa.enrol", "success", "passkey", None),
                              ("login.mfa", "success", "passkey", None),
                              ("login", "success", None, ["passkey"])]


def test_a_security_key_is_a_hardware_key_and_a_platform_passkey_a_software_one(
        svc, base, zhangsan, level3_site, browser_page):
    page, _ = browser_page(transport="usb")  # a roaming authenticator, not backup eligible
    password_login(page, base)
    page.wait_for_url(f"{base}/account")
    add_passkey(page, base, "U盾")
    with svc.db.session() as session:
        stored = session.scalars(select(Passkey)).one()
    assert stored.method == "hwk" and stored.transports == ["usb"]
    page.context.clear_cookies()
    page.goto(level3_site.authorize_url())
    with page.expect_navigation(url=f"{level3_site.redirect_uri}**"):
        page.click("text=刷脸/指纹登录 · Passkey")
    claims = level3_site.id_token_claims(page.url)
    assert claims["acr"] == "3" and claims["amr"] == ["hwk", "user", "mfa"]
    assert "安全密钥" in page.goto(f"{base}/account/passkeys").text()


def test_a_passkey_does_not_raise_a_level_1_person_above_their_identity_proofing(
        svc, base, level3_site, browser_page):
    first17 = "33010619900101123"
    service.create_person(svc, SYSTEM_ACTOR, username="lisi", password=PASSWORD, name="李四",
                          id_number=first17 + id_number_check_char(first17),
                          phone="13700001111", assurance_level=1)
    page, _ = browser_page()
    password_login(page, base, username="lisi")
    page.wait_for_url(f"{base}/account")
    add_passkey(page, base, "我的手机")
    page.context.clear_cookies()
    page.goto(level3_site.authorize_url())
    page.click("text=刷脸/指纹登录 · Passkey")
    page.wait_for_url(f"{base}/login/level?**")  # the site needs level 3: real name first
    page.goto(f"{base}/account")
    assert "通行密钥 (L1)" in page.inner_text("main")


def test_adding_a_passkey_does_not_raise_the_session_a_level_3_site_asks_for_it(
        svc, base, zhangsan, level3_site, browser_page):
    page, _ = browser_page()
    password_login(page, base)
    page.wait_for_url(f"{base}/account")
    add_passkey(page, base, "我的手机")  # made in this session: it proves nothing yet
    page.goto(f"{base}/account")
    assert "密码 (L2)" in page.inner_text("main")
    page.goto(level3_site.authorize_url())
    page.wait_for_url(f"{base}/login/otp")  # the step-up: only the second factor is missing
    with page.expect_navigation(url=f"{level3_site.redirect_uri}**"):
        page.click("button[data-passkey=get]")
    claims = level3_site.id_token_claims(page.url)
    assert claims["acr"] == "3" and claims["amr"] == ["pwd", "swk", "user"]


def test_without_javascript_the_passkey_buttons_stay_hidden_and_the_password_works(
        base, zhangsan, chromium, shot):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                   java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/login")
    assert not page.is_visible("text=刷脸/指纹登录 · Passkey")
    password_login(page, base)
    page.wait_for_url(f"{base}/account")
    page.goto(f"{base}/account/passkeys")
    assert not page.is_visible("button:has-text('添加通行密钥')")
    assert page.is_visible("text=添加通行密钥需要支持通行密钥的浏览器并启用 JavaScript")
    shot(page, "phone-09-no-javascript")
    context.close()
