"""Logging in with a username and password through the login form."""

from __future__ import annotations

from dataclasses import replace

from idp.app import create_app
from idp.sso.login_request import LoginRequest, save_login_request
from idp.sso.session import COOKIE_NAME


def test_a_person_logs_in_and_lands_on_their_account_with_a_safe_session_cookie(
    backend, client, person, login, svc
):
    person("alice", level=2)
    answer = login("alice")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/account")
    cookie = next(c for c in answer.headers.getlist("Set-Cookie") if c.startswith(COOKIE_NAME))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # the test issuer is plain http on loopback
    assert f"Max-Age={svc.settings.session_absolute_seconds}" in cookie
    page = client.get("/account").get_data(as_text=True)
    assert "张三" in page and "alice" in page
    assert "110105" in page and "********" in page  # the ID number only masked
    assert "138****5678" in page


def test_the_session_is_created_with_the_persons_level_and_password_method(
    backend, client, person, login, svc, sso_token
):
    person("alice", level=2)
    login("alice")
    session = svc.sessions.load(sso_token())
    assert (session.username, session.level, session.amr) == ("alice", 2, ["pwd"])


def test_the_cookie_is_secure_when_the_issuer_is_https(settings, person):
    app = create_app(replace(settings, issuer="https://id.example.gov.cn"))
    try:
        svc = app.extensions["yiwang"]
        from idp.accounts import service
        from idp.audit import SYSTEM_ACTOR

        service.create_person(svc, SYSTEM_ACTOR, username="bob", password="correct horse battery",
                              name="李四", id_number="11010519491231002X")
        browser = app.test_client()
        form = browser.get("/login", base_url="https://id.example.gov.cn")
        import re

        token = re.search(r'name="csrf_token" value="([^"]+)"', form.get_data(as_text=True))[1]
        answer = browser.post("/login", base_url="https://id.example.gov.cn", data={
            "csrf_token": token, "username": "bob", "password": "correct horse battery"})
        cookie = next(c for c in answer.headers.getlist("Set-Cookie")
                      if c.startswith(COOKIE_NAME))
        assert "Secure" in cookie
    finally:
        app.extensions["yiwang"].db.dispose()


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(backend, client, person, login):
    person("alice")
    wrong = login("alice", "not the password")
    wrong_page = client.get(wrong.headers["Location"]).get_data(as_text=True)
    unknown = login("nobody-here", "not the password")
    unknown_page = client.get(unknown.headers["Location"]).get_data(as_text=True)
    assert wrong.status_code == unknown.status_code == 303
    assert "用户名或密码错误" in wrong_page and "用户名或密码错误" in unknown_page
    assert wrong_page.replace("alice", "X") == unknown_page.replace("nobody-here", "X")
    assert client.get_cookie(COOKIE_NAME) is None


def test_errors_are_in_english_when_the_browser_prefers_it(client, person, login):
    person("alice")
    login("alice", "nope", HTTP_ACCEPT_LANGUAGE="en")
    page = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Wrong username or password" in page
    assert 'value="alice"' in page  # the username is kept, the password is not


def test_a_login_without_its_csrf_token_is_refused_and_changes_nothing(
    backend, client, person, events
):
    person("alice")
    answer = client.post("/login", data={"username": "alice", "password": "correct horse battery"})
    assert answer.status_code == 400
    assert client.get_cookie(COOKIE_NAME) is None
    assert events("login") == []


def test_every_login_attempt_is_audited_with_door_methods_and_reason(
    backend, person, login, events
):
    alice = person("alice")
    login("alice", "wrong password")
    login("alice", door="legal")
    failure, success = events("login")
    assert (failure.outcome, failure.account_id, failure.detail["reason"]) == (
        "failure", alice.id, "bad_credentials")
    assert (success.outcome, success.detail["door"], success.detail["methods"]) == (
        "success", "legal", ["pwd"])
    assert "wrong password" not in str(failure.detail)


def test_a_disabled_account_cannot_log_in_and_the_reason_is_audited(
    backend, client, person, login, svc, events
):
    from idp.accounts.models import Person

    alice = person("alice")
    with svc.db.begin() as session:
        session.get(Person, alice.id).disabled = True
    answer = login("alice")
    assert "用户名或密码错误" in client.get(answer.headers["Location"]).get_data(as_text=True)
    assert events("login")[-1].detail["reason"] == "disabled"


def test_a_login_request_shows_the_site_prefills_the_hint_and_returns_there(
    backend, client, person, login, svc
):
    person("alice")
    request = LoginRequest(return_to="/authorize/resume?id=42", protocol="oidc",
                           client_id="tax", client_name="电子税务局", login_hint="alice")
    save_login_request(svc.store, request)
    page = client.get(f"/login?login={request.id}").get_data(as_text=True)
    assert "登录以继续访问" in page and "电子税务局" in page
    assert 'value="alice"' in page and f'value="{request.id}"' in page
    answer = login("alice", login_id=request.id)
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/authorize/resume?id=42"


def test_a_login_request_for_the_legal_door_opens_that_tab(client, svc):
    request = LoginRequest(return_to="/x", protocol="saml", door="legal")
    save_login_request(svc.store, request)
    page = client.get(f"/login?login={request.id}").get_data(as_text=True)
    assert "法人用户登录" in page


def test_logging_in_again_reauthenticates_the_same_session(
    backend, client, person, login, svc, sso_token
):
    person("alice")
    login("alice")
    token = sso_token()
    before = svc.sessions.load(token)
    before.auth_time -= 600  # as if the first login were ten minutes ago
    svc.sessions.update(token, before)
    request = LoginRequest(return_to="/resume", protocol="oidc", force_login=True)
    save_login_request(svc.store, request)
    login("alice", login_id=request.id)
    after = svc.sessions.load(sso_token())
    assert sso_token() == token and after.sid == before.sid
    assert after.auth_time >= request.created_at


def test_logging_in_as_someone_else_ends_the_previous_session_first(
    backend, client, person, login, svc, sso_token
):
    person("alice")
    person("bob")
    ended = []
    svc.sessions.end_listeners.append(lambda session, context: ended.append(session.username))
    login("alice")
    alice_token = sso_token()
    login("bob")
    assert ended == ["alice"]
    assert svc.sessions.load(alice_token) is None
    assert svc.sessions.load(sso_token()).username == "bob"


def test_an_empty_form_asks_for_both_fields_without_counting_a_failure(client, login, events):
    answer = login("", "")
    assert "请输入用户名和密码" in client.get(answer.headers["Location"]).get_data(as_text=True)
    assert events("login") == []


def test_an_unknown_login_request_id_just_shows_the_plain_form(client):
    assert client.get("/login?login=does-not-exist").status_code == 200
