"""The login page's upstream button in a real Chromium at 1280 and 390 px, without JavaScript
(the button is a link): a click goes through node oidc-provider and back, and a first login
shows the choice page. Screenshots in test-output/federation_upstream/."""

from __future__ import annotations

from pathlib import Path

import pytest
from upstream_helpers import RP_REDIRECT, next_upstream_person

pytestmark = pytest.mark.browser
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
OUT = Path(__file__).resolve().parents[2] / "test-output" / "federation_upstream"


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_upstream_button_logs_in_through_the_upstream(live, upstream, rp, chromium, size):
    _, base = live
    OUT.mkdir(parents=True, exist_ok=True)
    next_upstream_person(upstream, "nat-newcomer")
    context = chromium.new_context(viewport=SIZES[size], locale="zh-CN",
                                   java_script_enabled=False, device_scale_factor=1,
                                   is_mobile=size == "phone")
    page = context.new_page()
    try:
        page.goto(rp.authorize_url(base))
        button = page.locator(".upstreams a", has_text="国家政务服务平台")
        assert button.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
        page.screenshot(path=str(OUT / f"{size}-1-login.png"), full_page=True)
        button.click()
        page.wait_for_url(f"{base}/federation/choose")
        assert "首次通过国家政务服务平台登录" in page.inner_text("main")
        assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
        page.screenshot(path=str(OUT / f"{size}-2-choice.png"), full_page=True)
        with page.expect_request(lambda r: r.url.startswith(RP_REDIRECT)) as back:
            page.click("text=创建新账号并登录")
        assert "code=" in back.value.url
    finally:
        context.close()
