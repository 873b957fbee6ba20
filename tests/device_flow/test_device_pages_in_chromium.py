"""The /device pages in Chromium at 1280 and 390 px, with JavaScript off (a terminal's
person may be on any phone): a wrong code is told, the right one typed in lower case leads
through the login page to "是这台设备吗？", and after approval the terminal's poll (requests)
gets tokens. Screenshots in test-output/device_flow/."""

from __future__ import annotations

import pytest
import requests
from device_helpers import DEVICE_GRANT, claims

from clients.registry import register_client
from idp.audit import SYSTEM_ACTOR
from tests.login.login_helpers import PASSWORD

SIZES = {"1280": {"width": 1280, "height": 800}, "390": {"width": 390, "height": 844}}


@pytest.mark.parametrize("size", list(SIZES))
def test_a_person_types_the_code_logs_in_and_approves_in_chromium(
        size, live_app, person, chromium, shot):
    app, base = live_app
    person("alice", level=2)
    terminal, _ = register_client(app.extensions["yiwang"], {
        "client_name": "不动产登记自助终端", "token_endpoint_auth_method": "none",
        "grant_types": [DEVICE_GRANT], "scope": "openid profile phone"}, SYSTEM_ACTOR)
    started = requests.post(f"{base}/device_authorization",
                            data={"client_id": terminal.client_id,
                                  "scope": "openid profile phone"}, timeout=10).json()

    context = chromium.new_context(viewport=SIZES[size], java_script_enabled=False,
                                   locale="zh-CN")
    page = context.new_page()

    def look(name: str) -> None:
        shot(page, f"{size}-{name}")
        # Nothing wider than the window: no sideways scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]

    page.goto(f"{base}/device")
    assert "设备登录" in page.inner_text("main")
    look("01-enter-code")
    page.fill("input[name=user_code]", "BCDF-GHJK")
    page.click("button[type=submit]")
    assert "代码不正确或已过期" in page.inner_text("main")
    look("02-wrong-code")

    page.fill("input[name=user_code]", started["user_code"].lower().replace("-", ""))
    page.click("button[type=submit]")
    assert "/login" in page.url
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/device/confirm")
    main = page.inner_text("main")
    assert "是这台设备吗？" in main and "不动产登记自助终端" in main
    assert started["user_code"] in main and "手机号码" in main
    look("03-is-this-your-device")

    page.click("button[value=approve]")
    assert "已授权" in page.inner_text("main")
    look("04-approved")
    context.close()

    tokens = requests.post(f"{base}/token", data={
        "client_id": terminal.client_id, "grant_type": DEVICE_GRANT,
        "device_code": started["device_code"]}, timeout=10)
    assert tokens.status_code == 200, tokens.text
    assert claims(tokens.json()["id_token"])["acr"] == "2"


@pytest.mark.parametrize("size", list(SIZES))
def test_a_denial_and_a_locked_browser_in_chromium(size, live_app, person, chromium, shot):
    app, base = live_app
    person("alice", level=2)
    terminal, _ = register_client(app.extensions["yiwang"], {
        "client_name": "电视", "token_endpoint_auth_method": "none",
        "grant_types": [DEVICE_GRANT]}, SYSTEM_ACTOR)
    started = requests.post(f"{base}/device_authorization",
                            data={"client_id": terminal.client_id}, timeout=10).json()
    context = chromium.new_context(viewport=SIZES[size], locale="zh-CN")
    page = context.new_page()
    page.goto(started["verification_uri_complete"])
    assert page.input_value("input[name=user_code]") == started["user_code"]
    page.click("button[type=submit]")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/device/confirm")
    page.click("button[value=deny]")
    assert "该设备不会获得您账号的访问权" in page.inner_text("main")
    shot(page, f"{size}-05-denied")

    for _ in range(6):  # five wrong codes, then the sixth try is refused
        page.goto(f"{base}/device")
        page.fill("input[name=user_code]", "ZZZZ-ZZZZ")
        page.click("button[type=submit]")
    assert "错误次数过多" in page.inner_text("main")
    shot(page, f"{size}-06-locked")
    context.close()
    denied = requests.post(f"{base}/token", data={
        "client_id": terminal.client_id, "grant_type": DEVICE_GRANT,
        "device_code": started["device_code"]}, timeout=10)
    assert denied.json()["error"] == "access_denied"
