"""Odd form input never yields a 500 and never logs anyone in."""

from __future__ import annotations

import pytest

from idp.sso.session import COOKIE_NAME


@pytest.mark.parametrize("username, password", [
    ("x" * 5000, "pw"),
    ("alice", "p" * 100_000),
    ("🙂' OR 1=1 --", "pw"),
    ("   ", "pw"),
])
def test_odd_credentials_get_the_usual_refusal(backend, client, person, csrf, username, password):
    person("alice")
    form = client.get("/login")
    answer = client.post("/login", data={"csrf_token": csrf(form), "username": username,
                                         "password": password})
    assert answer.status_code == 303
    assert client.get_cookie(COOKIE_NAME) is None


@pytest.mark.parametrize("path, data", [
    ("/login/otp", {"code": "123456"}),
    ("/login/entity", {"authorisation": "x"}),
    ("/account/sites/revoke", {"site": "oidc:x"}),
    ("/account/sessions/end", {"sid": "a b"}),
    ("/account/mfa/totp", {"code": "1"}),
    ("/account/mfa/totp/remove", {"code": "1"}),
])
def test_steps_without_a_login_send_the_browser_to_the_login_page(client, csrf, path, data):
    answer = client.post(path, data={"csrf_token": csrf(client.get("/login")), **data})
    assert answer.status_code == 303 and "/login" in answer.headers["Location"]


@pytest.mark.parametrize("data", [
    {"username": "a\x00b", "password": "correct horse battery"},
    {"username": "alice", "password": "correct horse\x1b battery"},
])
def test_a_control_character_in_a_form_is_refused_before_any_login(backend, client, person,
                                                                     csrf, data):
    person("alice")
    answer = client.post("/login", data={"csrf_token": csrf(client.get("/login")), **data})
    assert answer.status_code == 400 and "<html" in answer.get_data(as_text=True)
    assert client.get_cookie(COOKIE_NAME) is None
