"""The account-keeping pages in Chromium, as a person uses them at 1280 and 390 px, without
JavaScript: history, a copy of my data (password again, then the full ID number), changing the
password, deleting the account. Screenshots in test-output/account_keeping/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from idp.accounts import service
from idp.accounts.identity_numbers import id_number_check_char
from idp.audit import SYSTEM_ACTOR

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "account_keeping"
PASSWORD = "春天的杭州西湖 2024"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("size", list(WIDTHS))
def test_a_person_reads_the_history_downloads_the_data_and_deletes_the_account(
    live_app, chromium, size
):
    app, base = live_app
    svc = app.extensions["yiwang"]
    first17 = "33010619850312123"
    number = first17 + id_number_check_char(first17)
    service.create_person(svc, SYSTEM_ACTOR, username="zhangsan", password=PASSWORD,
                          name="张三", id_number=number, phone="13912345678", assurance_level=2)
    context = chromium.new_context(viewport=WIDTHS[size], locale="zh-CN", accept_downloads=True,
                                   java_script_enabled=False,
                                   is_mobile=size == "phone", device_scale_factor=1)
    page = context.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)

    def shot(name: str) -> None:
        page.screenshot(path=str(SHOTS / f"{size}-{name}.png"), full_page=True)
        # Nothing wider than the window: no sideways scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[size]["width"]

    page.goto(f"{base}/login")
    page.fill("input[name=username]", "zhangsan")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/account")
    assert "账号安全与个人信息" in page.inner_text("main")
    page.locator("ul.links").scroll_into_view_if_needed()
    shot("01-account")

    page.click("text=账号记录")
    page.wait_for_url(f"{base}/account/history")
    history = page.inner_text("main")
    assert "登录" in history and "开通账号" in history and "login" not in history
    shot("02-history")

    page.goto(f"{base}/account/data")
    shot("03-data")
    page.fill("input[name=password]", PASSWORD)
    page.click("text=验证密码")
    assert "分钟内可下载含完整身份证号" in page.inner_text("main")
    shot("04-data-password-confirmed")
    with page.expect_download() as download:
        page.click("text=下载（完整身份证号）")
    copy = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert copy["account"]["id_number"] == number and copy["account"]["name"] == "张三"

    page.goto(f"{base}/account/password")
    shot("05-password")
    page.goto(f"{base}/account/phone")
    shot("05b-phone")

    page.goto(f"{base}/account/delete")
    shot("06-delete")
    page.check("input[name=confirm]")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('确认注销')")
    assert "已申请注销账号" in page.inner_text("main")
    shot("07-deleted")
    page.goto(f"{base}/account")
    assert page.url.startswith(f"{base}/login")  # logged out everywhere
    page.click("text=忘记密码？")
    assert "找回密码" in page.inner_text("main")
    shot("08-forgot-password")
    context.close()
