"""Forgot password by SMS code (/login/forgot) and changing the phone (/account/phone), with
the codes read from the development outbox as a phone would show them."""

from __future__ import annotations

import json
import re

import pytest

from idp.accounts.service import get_person, person_claims
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


def _step(browser, csrf, path, **data):
    form = browser.get(path)
    return browser.post(path, data={"csrf_token": csrf(form), **data})


def _enter_code(browser, csrf, code):
    return _step(browser, csrf, "/login/forgot/code", code=code)


def _new_password(browser, csrf, password=NEW, confirm=None):
    return _step(browser, csrf, "/login/forgot/password", password=password,
                 confirm=password if confirm is None else confirm)


def _reset(browser, csrf, code, password=NEW):
    """The SMS code, then the new password (an account without a second factor)."""
    assert _enter_code(browser, csrf, code).headers["Location"].endswith(
        "/login/forgot/password")
    return _new_password(browser, csrf, password)


def test_a_code_to_the_accounts_phone_sets_a_new_password_and_ends_every_session(
    app, client, svc, alice, login, sso_token, csrf, events
):
    other = app.test_client()
    login("alice", browser=other)
    asked = _ask(client, csrf, "alice", "138 0000 1111")
    assert asked.headers["Location"].endswith("/login/forgot/code")
    assert "如果用户名与手机号匹配" in client.get("/login/forgot/code").get_data(as_text=True)
    wrong = "000000" if _code(svc, "13800001111") != "000000" else "111111"
    assert _enter_code(client, csrf, wrong).headers["Location"].endswith("/login/forgot/code")
    assert "验证码不正确" in client.get("/login/forgot/code").get_data(as_text=True)
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
            assert _enter_code(client, csrf, "123456").headers["Location"].endswith(
                "/login/forgot/code")
        assert _enter_code(client, csrf, "123456").headers["Location"].endswith(
            "/login/forgot")
    assert [m for m in _sms(svc) if m["kind"] == "recovery_code"] == []
    assert svc.passwords.verify(get_person(svc, alice.id).password_hash, PASSWORD)


def test_a_weak_new_password_says_why_and_the_next_one_is_taken(client, svc, alice, csrf):
    _ask(client, csrf, "alice", "13800001111")
    assert _enter_code(client, csrf, _code(svc, "13800001111")).status_code == 303
    assert _new_password(client, csrf, "password").headers["Location"].endswith(
        "/login/forgot/password")
    assert "该密码过于常见" in client.get("/login/forgot/password").get_data(as_text=True)
    assert _new_password(client, csrf).headers["Location"].endswith("/login")
    assert svc.passwords.verify(get_person(svc, alice.id).password_hash, NEW)


def test_the_new_password_step_is_closed_until_the_code_is_right(client, svc, alice, csrf):
    _ask(client, csrf, "alice", "13800001111")
    assert client.get("/login/forgot/password").headers["Location"].endswith(
        "/login/forgot/code")
    assert client.post("/login/forgot/password", data={
        "csrf_token": csrf(client.get("/login/forgot/code")), "password": NEW,
        "confirm": NEW}).headers["Location"].endswith("/login/forgot")
    assert svc.passwords.verify(get_person(svc, alice.id).password_hash, PASSWORD)


def test_recover_is_the_issues_name_for_the_first_step(client):
    moved = client.get("/recover")
    assert moved.status_code == 308 and moved.headers["Location"].endswith("/login/forgot")


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
