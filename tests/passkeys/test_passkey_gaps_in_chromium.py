"""Two passkey pages in Chromium with its virtual authenticator: forgot password on a passkey
account (the SMS code, then the passkey, then the new password) and a relying party asking
for a phishing-resistant login (acr_values=phr: the login page offers only the passkey);
screenshots in test-output/passkeys/ at 1280 and 390 px."""

from __future__ import annotations

import re

import pytest

from idp.accounts.service import get_person
from idp.notify.outbox import OUTBOX_NAME, read_outbox
from tests.passkeys.passkey_helpers import add_passkey, password_login

pytestmark = pytest.mark.browser
NEW = "钱塘江的潮水 2027"


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_passkey_resets_the_password_and_answers_a_site_asking_for_phr(
        svc, base, zhangsan, level3_site, browser_page, shot, size):
    page, _ = browser_page(size)
    password_login(page, base)
    page.wait_for_url(f"{base}/account")
    add_passkey(page, base, "我的手机")
    page.context.clear_cookies()

    page.goto(f"{base}/login/forgot")
    page.fill("input[name=username]", "zhangsan")
    page.fill("input[name=phone]", "13912345678")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{base}/login/forgot/code")
    sms = [m for m in read_outbox(svc.settings.data_dir / OUTBOX_NAME)
           if m["kind"] == "recovery_code"][-1]
    page.fill("input[name=code]", re.search(r"验证码 (\d{6})", sms["text"])[1])
    page.click("form button[type=submit]")
    page.wait_for_url(f"{base}/login/forgot/otp")
    assert "验证器" not in page.inner_text("main")  # the passkey is what it asks for
    shot(page, f"{size}-10-reset-passkey-step")
    with page.expect_navigation(url=f"{base}/login/forgot/password"):
        page.click("button[data-passkey=get]")
    page.fill("input[name=password]", NEW)
    page.fill("input[name=confirm]", NEW)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{base}/login")
    assert svc.passwords.verify(get_person(svc, zhangsan.id).password_hash, NEW)

    page.goto(level3_site.authorize_url(acr_values="phr"))
    page.wait_for_url(f"{base}/login?**")
    assert page.locator("input[name=password]").count() == 0  # only the passkey
    shot(page, f"{size}-11-login-passkey-only")
    with page.expect_navigation(url=f"{level3_site.redirect_uri}**"):
        page.click("button[data-passkey=get]")
    claims = level3_site.id_token_claims(page.url)
    assert claims["amr"] == ["swk", "user", "mfa"] and claims["acr"] == "3"
