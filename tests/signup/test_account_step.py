"""The last step: the citizen password policy, the privacy notice, one account per flow."""

from __future__ import annotations

import pytest
from signup_helpers import (
    PASSWORD,
    ask_code,
    choose_account,
    enter_code,
    flashed,
    last_code,
)

from idp.accounts.service import find_person_by_username


@pytest.fixture
def proved(client, settings):
    """A browser whose phone is proved, at the username and password step."""
    ask_code(client)
    enter_code(client, last_code(settings))
    return client


@pytest.mark.parametrize(("username", "password", "says"), [
    ("lihua", "short1", "密码至少需要8个字符"),
    ("lihua", "x" * 129, "密码不能超过128个字符"),
    ("lihua", "my lihua password", "密码不能包含用户名"),
    ("lihua", "password123", "该密码过于常见或已泄露"),
    ("lihua", "qwertyuiop", "该密码过于常见或已泄露"),
    ("Li Hua", PASSWORD, "用户名应为3至64位"),
    ("-lihua", PASSWORD, "用户名应为3至64位"),
])
def test_the_citizen_policy_refuses_and_nothing_is_made(proved, username, password, says):
    answer = choose_account(proved, username, password)
    assert answer.headers["Location"] == "/register/account"
    assert says in flashed(proved, "/register/account")
    assert find_person_by_username(proved.application.extensions["yiwang"], "lihua") is None


def test_the_two_passwords_must_match(proved):
    choose_account(proved, "lihua", PASSWORD, confirm=PASSWORD + "!")
    assert "两次输入的密码不一致" in flashed(proved, "/register/account")


@pytest.mark.parametrize("notice", [None, "", "2020-01-01"])
def test_the_current_privacy_notice_must_be_accepted(proved, svc, notice):
    choose_account(proved, "lihua", PASSWORD, notice=notice)
    assert "请阅读并同意隐私政策" in flashed(proved, "/register/account")
    assert find_person_by_username(svc, "lihua") is None


def test_after_a_refusal_the_flow_goes_on_and_keeps_the_username(proved, svc):
    choose_account(proved, "lihua", "short1")
    page = flashed(proved, "/register/account")
    assert 'value="lihua"' in page
    assert choose_account(proved, "lihua", PASSWORD).headers["Location"] == "/account"
    assert find_person_by_username(svc, "lihua").assurance_level == 1


def test_a_taken_username_is_refused(proved, svc, app, settings, sign_up):
    from dataclasses import replace

    svc.settings = replace(svc.settings, accounts_per_phone=0)
    sign_up("13700001111", "lihua", browser=app.test_client(), ip="10.1.1.1")
    choose_account(proved, "LiHua", PASSWORD)
    assert "该用户名已被使用" in flashed(proved, "/register/account")


def test_one_flow_makes_one_account(proved, svc):
    assert choose_account(proved, "lihua", PASSWORD).headers["Location"] == "/account"
    again = proved.get("/register/account")
    assert again.headers["Location"] == "/register"


def test_the_privacy_notice_has_a_page_of_its_own(client):
    from signup_helpers import NOTICE_VERSION

    page = client.get("/register/privacy").get_data(as_text=True)
    assert "隐私政策" in page and NOTICE_VERSION in page and "个人信息保护法" in page
