"""Changing one's password from /account."""

from __future__ import annotations

import pytest

from idp.accounts.service import get_person
from tests.login.login_helpers import PASSWORD

NEW = "a brand new secret 42"


def _change(browser, csrf, current, new, confirm=None):
    form = browser.get("/account/password")
    assert form.status_code == 200
    return browser.post("/account/password", data={
        "csrf_token": csrf(form), "current": current, "password": new,
        "confirm": new if confirm is None else confirm})


def test_changing_the_password_ends_the_other_sessions_and_the_old_password_stops_working(
    app, client, other_browser, svc, alice, login, sso_token, csrf, events
):
    login("alice", browser=client)
    login("alice", browser=other_browser)
    mine, theirs = sso_token(client), sso_token(other_browser)
    done = _change(client, csrf, PASSWORD, NEW)
    assert done.status_code == 303 and done.headers["Location"].endswith("/account")
    page = client.get("/account").get_data(as_text=True)
    assert "密码已修改" in page and "1 个登录已结束" in page
    assert svc.sessions.load(mine) is not None
    assert svc.sessions.load(theirs) is None
    assert other_browser.get("/account").status_code == 302  # back to the login page
    assert events("logout")[-1].detail["initiator"] == "password_change"
    assert events("account.update")[-1].detail == {"fields": ["password"]}
    third = app.test_client()
    login("alice", PASSWORD, browser=third)
    assert "用户名或密码错误" in third.get("/login").get_data(as_text=True)
    assert sso_token(third) is None
    assert login("alice", NEW, browser=third).status_code == 303
    assert svc.sessions.load(sso_token(third)) is not None


@pytest.mark.parametrize(("current", "new", "confirm", "says"), [
    ("wrong password here", NEW, None, "当前密码不正确"),
    (PASSWORD, "short", None, "密码至少需要8个字符"),
    (PASSWORD, "password", None, "该密码过于常见"),
    (PASSWORD, "alice-in-wonderland", None, "密码不能包含用户名"),
    (PASSWORD, NEW, "something else entirely", "两次输入的新密码不一致"),
])
def test_a_refused_change_says_why_and_keeps_the_old_password_and_the_sessions(
    client, other_browser, svc, alice, login, sso_token, csrf, current, new, confirm, says
):
    login("alice", browser=client)
    login("alice", browser=other_browser)
    done = _change(client, csrf, current, new, confirm)
    assert done.headers["Location"].endswith("/account/password")
    assert says in client.get("/account/password").get_data(as_text=True)
    assert svc.sessions.load(sso_token(other_browser)) is not None
    assert svc.passwords.verify(get_person(svc, alice.id).password_hash, PASSWORD)


def test_wrong_current_passwords_count_towards_the_lockout_like_failed_logins(
    client, svc, alice, login, csrf, events
):
    login("alice")
    for _ in range(svc.settings.lockout_threshold):
        _change(client, csrf, "not my password", NEW)
    _change(client, csrf, PASSWORD, NEW)  # locked or delayed now: even the right one waits
    assert svc.passwords.verify(get_person(svc, alice.id).password_hash, PASSWORD)
    refused = events("password.confirm")
    assert [e.outcome for e in refused] == ["failure"] * (svc.settings.lockout_threshold + 1)


def test_the_form_needs_a_session_and_its_csrf_token(client, alice, login):
    assert client.get("/account/password").status_code == 302
    login("alice")
    assert client.post("/account/password", data={
        "current": PASSWORD, "password": NEW, "confirm": NEW}).status_code == 400
