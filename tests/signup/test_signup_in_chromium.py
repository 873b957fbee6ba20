"""The sign-up pages in a real Chromium, on a desktop (1280 px) and a phone (390 px): no
JavaScript needed, nothing wider than the screen, screenshots in test-output/signup/."""

from __future__ import annotations

import pytest
from signup_helpers import PASSWORD, last_code

pytestmark = pytest.mark.browser
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_person_signs_up_in_chromium_without_javascript(live_app, settings, chromium, shot,
                                                          size):
    _, base = live_app
    context = chromium.new_context(viewport=SIZES[size], locale="zh-CN",
                                   java_script_enabled=False, device_scale_factor=1,
                                   is_mobile=size == "phone")
    page = context.new_page()
    phone = "13812345678" if size == "desktop" else "13912345678"
    try:
        page.goto(f"{base}/login")
        page.click("text=注册")
        page.wait_for_url(f"{base}/register*")
        _fits(page)
        shot(page, f"{size}-1-phone")
        page.fill("input[name=phone]", phone)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/register/code")
        assert "验证码已发送" in page.inner_text("main")
        page.fill("input[name=code]", "000000" if last_code(settings, phone) != "000000"
                  else "111111")
        page.click("text=下一步")
        assert "验证码不正确" in page.inner_text("main")
        _fits(page)
        shot(page, f"{size}-2-code-wrong")
        page.fill("input[name=code]", last_code(settings, phone))
        page.click("text=下一步")
        page.wait_for_url(f"{base}/register/account")
        page.fill("input[name=username]", f"zhang-{size}")
        page.fill("input[name=password]", "password123")
        page.fill("input[name=confirm]", "password123")
        page.check("input[name=privacy_notice]")
        page.click("text=同意并注册")
        page.wait_for_url(f"{base}/register/account")
        assert "该密码过于常见或已泄露" in page.inner_text("main")
        _fits(page)
        shot(page, f"{size}-3-account")
        page.fill("input[name=password]", PASSWORD)
        page.fill("input[name=confirm]", PASSWORD)
        page.check("input[name=privacy_notice]")
        page.click("text=同意并注册")
        page.wait_for_url(f"{base}/account")
        text = page.inner_text("main")
        assert f"zhang-{size}" in text and "注册成功" in text and "短信验证码 + 密码 (L1)" in text
        _fits(page)
        shot(page, f"{size}-4-account-page")
        page.goto(f"{base}/register/privacy")
        _fits(page)
        shot(page, f"{size}-5-privacy")
    finally:
        context.close()


def _fits(page) -> None:
    """No script on the page, and nothing sticks out sideways (a phone would scroll it)."""
    assert "<script" not in page.content()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]
