"""A passwordless passkey login keeps the rules the password login keeps, through the real
pages with a passkey held in Python: an account locked by wrong passwords is locked for its
passkey too (as Keycloak's brute-force lock holds for every authenticator) until the lock is
lifted; a passkey login resets the count of wrong passwords, as a password login does; and an
account that owes a new password sets it before it gets a session, which then shows the
passkey, not a password."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import update

from idp.accounts.models import Person
from idp.audit import SYSTEM_ACTOR
from idp.authn.lockout import unlock
from idp.sso.session import COOKIE_NAME
from tests.passkeys.passkey_helpers import PASSWORD, SoftwareAuthenticator
from tests.passkeys.test_passkey_checks import (
    csrf_of,
    last_passkey_event,
    passwordless,
    person,  # noqa: F401 - a fixture
    services,  # noqa: F401 - a fixture
)


@pytest.fixture
def settings(settings):
    """Three wrong passwords lock the account (no growing delays between them to wait out)."""
    return replace(settings, lockout_free_failures=3, lockout_threshold=3)


def wrong_password(client, username: str):
    return client.post("/login", data={"csrf_token": csrf_of(client.get("/login")),
                                       "username": username, "password": "not it"})


def test_an_account_locked_by_wrong_passwords_is_locked_for_its_passkey_too(
        client, services, person):  # noqa: F811
    wang = person("wangwu", 11)
    authenticator = SoftwareAuthenticator()
    authenticator.register(services, wang.id)
    for _ in range(3):
        wrong_password(client, "wangwu")
    refused = passwordless(client, authenticator, user=wang.id)
    assert client.get_cookie(COOKIE_NAME) is None
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "已临时锁定" in page  # told it is locked and until when, not "not accepted"
    event = last_passkey_event(services)
    assert (event.outcome, event.detail["reason"]) == ("failure", "locked")

    unlock(services, wang.id, SYSTEM_ACTOR)  # an administrator lifts the lock
    accepted = passwordless(client, authenticator, user=wang.id)
    assert accepted.headers["Location"].endswith("/account")
    assert client.get_cookie(COOKIE_NAME) is not None
    # Its owner hears of the lockout, as after a password login: someone else was guessing.
    assert "因多次登录失败被临时锁定" in client.get("/account").get_data(as_text=True)


def test_a_passkey_login_resets_the_count_of_wrong_passwords(client, services, person):  # noqa: F811
    wang = person("wangwu", 13)
    authenticator = SoftwareAuthenticator()
    authenticator.register(services, wang.id)
    for _ in range(2):
        wrong_password(client, "wangwu")
    assert passwordless(client, authenticator, user=wang.id).headers["Location"].endswith(
        "/account")
    client.post("/logout", data={"csrf_token": csrf_of(client.get("/account"))})
    for _ in range(2):  # two more: four in all, but only two since the last good login
        wrong_password(client, "wangwu")
    again = client.post("/login", data={"csrf_token": csrf_of(client.get("/login")),
                                        "username": "wangwu", "password": PASSWORD})
    # Not locked: the password is accepted and the second step (the passkey) is asked for.
    assert again.headers["Location"].endswith("/login/otp")


def test_a_passkey_login_that_owes_a_new_password_sets_it_before_any_session(
        app, client, services, person):  # noqa: F811
    wang = person("wangwu", 12)
    with services.db.begin() as session:
        session.execute(update(Person).where(Person.id == wang.id)
                        .values(must_change_password=True))
    authenticator = SoftwareAuthenticator()
    authenticator.register(services, wang.id)
    answered = passwordless(client, authenticator, user=wang.id)
    assert answered.headers["Location"].endswith("/login/password")
    assert client.get_cookie(COOKIE_NAME) is None
    assert client.get("/account").status_code in (302, 303)  # still nobody logged in

    page = client.get("/login/password")
    new = "钱塘江的潮水 2027"
    done = client.post("/login/password", data={"csrf_token": csrf_of(page),
                                                 "password": new, "confirm": new})
    assert done.headers["Location"].endswith("/account")
    token = client.get_cookie(COOKIE_NAME).value
    sso = services.sessions.load(token)
    assert sso.amr == ["swk", "user", "mfa"] and sso.level == 3  # the passkey's, no "pwd"
    # The password is the new one now: the old one is refused in another browser.
    other = app.test_client()
    old = other.post("/login", data={"csrf_token": csrf_of(other.get("/login")),
                                     "username": "wangwu", "password": PASSWORD})
    assert old.headers["Location"].split("?")[0].endswith("/login")
    assert other.get_cookie(COOKIE_NAME) is None
