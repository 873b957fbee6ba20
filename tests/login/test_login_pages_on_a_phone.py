"""A person and a legal person's representative log in through the real pages on a phone."""

from __future__ import annotations

import pytest

from idp.accounts.identity_numbers import credit_code_check_char, id_number_check_char

pytestmark = pytest.mark.browser
PASSWORD = "春天的杭州西湖 2024"


def _id_number(serial: str) -> str:
    first17 = f"33010619850312{serial}"
    return first17 + id_number_check_char(first17)


def _credit_code() -> str:
    first17 = "91330100MA2B3C4D5"
    return first17 + credit_code_check_char(first17)


def test_a_person_logs_in_on_a_phone_and_sees_their_account(live_app, cli, phone, shot):
    _, base = live_app
    added = cli("users", "add-person", "--username", "zhangsan", "--password-stdin",
                "--name", "张三", "--id-number", _id_number("123"), "--phone", "13912345678",
                "--level", "2", "--json", stdin=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    phone.goto(f"{base}/login")
    assert phone.locator("a.active").inner_text() == "个人办事"
    shot(phone, "01-login-person")
    phone.fill("input[name=username]", "zhangsan")
    phone.fill("input[name=password]", "wrong password")
    phone.click("button[type=submit]")
    assert "用户名或密码错误" in phone.content()
    shot(phone, "02-login-error")
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{base}/account")
    text = phone.inner_text("main")
    assert "张三" in text and "330106********" in text and "139****5678" in text
    shot(phone, "03-account-person")
    phone.click("text=绑定验证器")
    assert phone.locator("svg.qr").is_visible()
    shot(phone, "03b-totp-enrol")
    phone.goto(f"{base}/account")
    phone.click("text=退出登录")
    phone.wait_for_url(f"{base}/logout")  # the "logged out" page answers the POST itself
    assert "您已安全退出" in phone.content()


def test_a_representative_logs_in_by_the_legal_door_and_acts_for_the_company(
    live_app, cli, phone, shot
):
    _, base = live_app
    added = cli("users", "add-person", "--username", "lisi", "--password-stdin", "--name", "李四",
                "--id-number", _id_number("456"), "--level", "2", "--json",
                stdin=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    code = _credit_code()
    added = cli("users", "add-legal-person", "--name", "杭州西湖示例科技有限公司",
                "--credit-code", code, "--representative", "lisi", "--json")
    assert added.exit_code == 0, added.output
    phone.goto(f"{base}/login")
    phone.click("text=法人办事")
    assert "法人用户登录" in phone.content()
    shot(phone, "04-login-legal")
    phone.fill("input[name=username]", "lisi")
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{base}/login/entity*")
    assert "杭州西湖示例科技有限公司" in phone.inner_text("main")
    shot(phone, "05-choose-entity")
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{base}/account")
    text = phone.inner_text("main")
    assert "杭州西湖示例科技有限公司" in text and code in text and "法定代表人" in text
    shot(phone, "06-account-legal")
