"""The staff door in Chromium at 1280 and 390 px, without JavaScript: choose the directory,
log in with the directory's password, see the staff account; a wrong password and a directory
that is down are told on the page (screenshots in test-output/federation_ldap/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from federation.directories import add_directory
from idp.audit import SYSTEM_ACTOR
from tests.conftest import free_port
from tests.federation_ldap.conftest import spec_of
from tests.federation_ldap.slapd_servers import STAFF_PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "federation_ldap"


@pytest.mark.parametrize("width", [1280, 390])
def test_a_staff_member_logs_in_through_the_staff_door(live_app, chromium, gongan, width):
    app, base = live_app
    svc = app.extensions["yiwang"]
    add_directory(svc, spec_of(gongan), SYSTEM_ACTOR)
    add_directory(svc, spec_of(gongan, name="gone", department="已下线的目录", timeout=1.0,
                               urls=[f"ldap://127.0.0.1:{free_port()}/"]), SYSTEM_ACTOR)
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-CN",
                                   java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{base}/login")
        page.click("text=工作人员")
        assert page.locator("a.active").inner_text() == "工作人员"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(SHOTS / f"{width}-01-staff-door.png"), full_page=True)
        page.select_option("select[name=directory]", "gone")
        page.fill("input[name=username]", "zhangsan")
        page.fill("input[name=password]", STAFF_PASSWORD)
        page.click("button[type=submit]")
        assert "该部门目录暂时不可用" in page.content()
        page.screenshot(path=str(SHOTS / f"{width}-02-directory-down.png"), full_page=True)
        page.select_option("select[name=directory]", "gongan")
        page.fill("input[name=username]", "zhangsan")
        page.fill("input[name=password]", "wrong password")
        page.click("button[type=submit]")
        assert "用户名或密码错误" in page.content()
        assert page.input_value("select[name=directory]") == "gongan"  # kept for the retry
        page.fill("input[name=password]", STAFF_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/account")
        text = page.inner_text("main")
        assert "zhangsan@gongan" in text and "张三" in text and "部门目录账号" in text
        assert "切换办事单位" not in text
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(SHOTS / f"{width}-03-staff-account.png"), full_page=True)
    finally:
        context.close()
