"""Forgot password by SMS code (/login/forgot) and changing the phone (/account/phone), with
the codes read from the development outbox as a phone would show them."""

from __future__ import annotations

import json
import re

import pytest

from idp.accounts.service import get_person, person_claims
from idp.authn.totp import is_enrolled
from tests.admin.admin_helpers import enrol_totp
from tests.login.login_helpers import PASSWORD

NEW = "a brand new secret 42"


def _sms(svc) -> list[dict]:
    path = svc.settings.data_dir / "outbox.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _code(svc, phone: str) -> str:
    return re.search(r"验证码 (\d{6})", [m for m in _sms(svc) if m["phone"] == phone][-1]
                     ["text"])[1]


def _ask(browser, csrf, username, phone):
    form = browser.get("/login/forgot")
    return browser.post("/login/forgot", data={"csrf_token": csrf(form), "username": username,
                                               "phone": phone})


def _reset(browser, csrf, code, password=NEW, confirm=None):
    form = browser.get("/login/forgot/code")
    return browser.post("/login/forgot/code", data={
        "csrf_token": csrf(form), "code": code, "password": password,
        "confirm": password if confirm is None else confirm})


def test_a_code_to_the_accounts_phone_sets_a_new_password_and_ends_every_session(
    app, client, svc, alice, login, sso_token, csrf, events
):
    other = app.test_client()
    login("alice", browser=other)
    asked = _ask(client, csrf, "alice", "138 0000 1111")
    assert asked.headers["Location"].endswith("/login/forgot/code")
    assert "如果用户名与手机号匹配" in client.get("/login/forgot/code").get_data(as_text=True)
    assert _reset(client, csrf, "000000" if _code(svc, "13800001111") != "000000" else "111111"
                  ).headers["Location"].endswith("/login/forgot/code")
    done = _reset(client, csrf, _code(svc, "13800001111"))
    assert done.headers["Location"].endswith("/login")
    assert svc.sessions.load(sso_token(other)) is None
    assert events("logout")[-1].detail["initiator"] == "password_reset"
    assert svc.passwords.verify(get_person(svc, alice.id).password_hash, NEW)
    assert login("alice", NEW).status_code == 303 and sso_token() is not None


def test_the_first_step_answers_alike_and_sends_nothing_when_username_and_phone_differ(
    client, svc, alice, bob, csrf
):
    for username, phone in (("alice", "13900002222"), ("nobody", "13800001111")):
        asked = _ask(client, csrf, username, phone)
        assert asked.headers["Location"].endswith("/login/forgot/code")
        assert "如果用户名与手机号匹配" in client.get("/login/forgot/code").get_data(
            as_text=True)
        for _ in range(4):  # wrong, as a wrong code is; then void after five tries
            assert _reset(client, csrf, "123456").headers["Location"].endswith(
                "/login/forgot/code")
        assert _reset(client, csrf, "123456").headers["Location"].endswith("/login/forgot")
    assert [m for m in _sms(svc) if m["kind"] == "recovery_code"] == []
    assert svc.passwords.verify(get_person(svc, alice.id).password_hash, PASSWORD)


def test_a_reset_keeps_the_second_factor(client, svc, alice, csrf, login):
    enrol_totp(svc, alice.id, "alice")
    _ask(client, csrf, "alice", "13800001111")
    _reset(client, csrf, _code(svc, "13800001111"))
    assert is_enrolled(svc, alice.id)
    assert login("alice", NEW).headers["Location"] == "/login/otp"


def test_a_weak_new_password_spends_no_try_and_says_why(client, svc, alice, csrf):
    _ask(client, csrf, "alice", "13800001111")
    code = _code(svc, "13800001111")
    _reset(client, csrf, code, "password")
    assert "该密码过于常见" in client.get("/login/forgot/code").get_data(as_text=True)
    assert _reset(client, csrf, code).headers["Location"].endswith("/login")


def _change(browser, csrf, password, phone):
    form = browser.get("/account/phone")
    return browser.post("/account/phone", data={"csrf_token": csrf(form),
                                                "password": password, "phone": phone})


def _confirm(browser, csrf, code):
    form = browser.get("/account/phone")
    return browser.post("/account/phone/code", data={"csrf_token": csrf(form), "code": code})


def test_the_phone_changes_after_the_password_and_a_code_to_the_new_number(
    client, svc, alice, login, csrf, events
):
    login("alice")
    _change(client, csrf, PASSWORD, "13700003333")
    assert "验证码已发送到 137****3333" in client.get("/account/phone").get_data(as_text=True)
    done = _confirm(client, csrf, _code(svc, "13700003333"))
    assert done.headers["Location"].endswith("/account")
    person = get_person(svc, alice.id)
    assert person_claims(svc, person)["phone"] == "13700003333" and person.phone_verified_at
    assert events("account.update")[-1].detail == {"fields": ["phone"]}
    told = [m for m in _sms(svc) if m["phone"] == "13800001111" and m["kind"] == "phone_changed"]
    assert told and "137****3333" in told[-1]["text"]


@pytest.mark.parametrize(("password", "phone", "says"), [
    ("not my password", "13700003333", "密码不正确"),
    (PASSWORD, "12345", "请输入11位手机号"),
    (PASSWORD, "13800001111", "这已是您绑定的手机号"),
])
def test_a_phone_change_is_refused_without_the_password_or_a_new_real_number(
    client, svc, alice, login, csrf, password, phone, says
):
    login("alice")
    _change(client, csrf, password, phone)
    assert says in client.get("/account/phone").get_data(as_text=True)
    assert person_claims(svc, get_person(svc, alice.id))["phone"] == "13800001111"


def test_a_number_held_by_another_account_is_refused_after_its_code(
    client, svc, alice, bob, login, csrf
):
    login("alice")
    _change(client, csrf, PASSWORD, "13900002222")
    _confirm(client, csrf, _code(svc, "13900002222"))
    assert "该手机号已绑定其他账号" in client.get("/account/phone").get_data(as_text=True)
    assert person_claims(svc, get_person(svc, alice.id))["phone"] == "13800001111"
