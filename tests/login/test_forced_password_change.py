"""Accounts flagged must_change_password set a new one before any session or protocol flow."""

from __future__ import annotations

import json

from idp.accounts.bootstrap import ensure_bootstrap_admin
from idp.sso.login_request import LoginRequest, save_login_request

NEW_ADMIN_PASSWORD = "Qiantang-River 2025 tide"


def _change(client, csrf, password: str, confirm: str | None = None):
    page = client.get("/login/password")
    assert page.status_code == 200
    return client.post("/login/password", data={
        "csrf_token": csrf(page), "password": password,
        "confirm": password if confirm is None else confirm})


def test_the_bootstrap_administrator_gets_no_session_before_changing_the_password(
    backend, client, login, csrf, svc, sso_token
):
    first = ensure_bootstrap_admin(svc)
    answer = login("admin", first)
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/login/password")
    assert sso_token() is None
    page = client.get("/login/password").get_data(as_text=True)
    assert "设置新密码" in page and 'name="confirm"' in page and 'name="csrf_token"' in page
    # No way around the page: the account page and the second-factor step send back.
    assert client.get("/account").headers["Location"].endswith("/login")
    assert client.get("/login/otp").headers["Location"].endswith("/login/password")
    assert sso_token() is None


def test_a_weak_new_password_is_refused_with_the_policys_reason(
    backend, client, login, csrf, svc, sso_token
):
    login("admin", ensure_bootstrap_admin(svc))
    answer = _change(client, csrf, "short1A!")
    assert answer.headers["Location"].endswith("/login/password")
    page = client.get("/login/password").get_data(as_text=True)
    assert "密码至少需要12个字符" in page
    _change(client, csrf, "alllowercaseletters")
    assert "至少三类" in client.get("/login/password").get_data(as_text=True)
    _change(client, csrf, NEW_ADMIN_PASSWORD, confirm=NEW_ADMIN_PASSWORD + "x")
    assert "不一致" in client.get("/login/password").get_data(as_text=True)
    assert sso_token() is None


def test_after_the_change_the_old_password_fails_and_the_new_one_works(
    backend, client, app, login, csrf, svc, sso_token, events
):
    first = ensure_bootstrap_admin(svc)
    login("admin", first)
    answer = _change(client, csrf, NEW_ADMIN_PASSWORD)
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/account")
    assert svc.sessions.load(sso_token()).username == "admin"
    updates = events("account.update")
    assert updates[-1].account_id == svc.sessions.load(sso_token()).account_id
    assert "password" in json.dumps(updates[-1].detail)
    assert NEW_ADMIN_PASSWORD not in json.dumps(updates[-1].detail)
    other = app.test_client()
    refused = login("admin", first, browser=other)
    assert refused.headers["Location"].split("?")[0].endswith("/login")
    assert login("admin", NEW_ADMIN_PASSWORD, browser=other).headers["Location"].endswith(
        "/account")


def test_the_protocol_flow_continues_after_the_new_password(
    backend, client, person, login, csrf, svc, sso_token
):
    person("carol", level=2, must_change_password=True)
    request = LoginRequest(return_to="/authorize/resume?id=7", protocol="oidc", client_id="rp")
    save_login_request(svc.store, request)
    assert login("carol", login_id=request.id).headers["Location"].endswith("/login/password")
    answer = _change(client, csrf, "a quite new passphrase")
    assert answer.headers["Location"].endswith("/authorize/resume?id=7")
    assert svc.sessions.load(sso_token()).level == 2
