"""The checks of a passkey assertion a browser's authenticator cannot be made to fail, with a
passkey held in Python, through the real pages (Flask's test client): passwordless needs user
verification, the second factor does not; a disabled account and another account's passkey are
refused; each outcome is audited. On SQLite and PostgreSQL where the database does the work."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from idp.accounts.identity_numbers import id_number_check_char
from idp.accounts.models import Person
from idp.accounts.service import create_person
from idp.audit import SYSTEM_ACTOR, AuditEvent
from idp.sso.session import COOKIE_NAME
from tests.login_methods.methods_helpers import PHONE, ask_sms_code, enter_sms_code, login_codes
from tests.passkeys.passkey_helpers import PASSWORD, SoftwareAuthenticator, b64url

ORIGIN = "http://127.0.0.1:8000"  # the test app's issuer (tests/conftest.py)


@pytest.fixture
def services(app):
    return app.extensions["yiwang"]


@pytest.fixture
def person(services):
    def add(username: str, serial: int, phone: str | None = None):
        first17 = f"33010619850312{serial:03d}"
        return create_person(services, SYSTEM_ACTOR, username=username, password=PASSWORD,
                             name="王五", id_number=first17 + id_number_check_char(first17),
                             phone=phone, assurance_level=2)
    return add


def csrf_of(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))[1]


def passwordless(client, authenticator, **answer) -> tuple:
    csrf = csrf_of(client.get("/login"))
    options = client.post("/login/passkey/options", data={"csrf_token": csrf}).json
    return client.post("/login/passkey", data={
        "csrf_token": csrf, "credential": authenticator.answer(options, ORIGIN, **answer)})


def last_passkey_event(services) -> AuditEvent:
    with services.db.session() as session:
        return session.scalars(select(AuditEvent).where(
            AuditEvent.type.in_(["login", "login.mfa"])).order_by(AuditEvent.id.desc())).first()


def test_passwordless_needs_user_verification(backend, client, services, person):
    wang = person("wangwu", 1)
    authenticator = SoftwareAuthenticator()
    authenticator.register(services, wang.id)
    refused = passwordless(client, authenticator, verified=False, user=wang.id)
    assert refused.status_code == 303 and client.get_cookie(COOKIE_NAME) is None
    event = last_passkey_event(services)
    assert (event.outcome, event.detail["reason"]) == ("failure", "user_verification")
    accepted = passwordless(client, authenticator, user=wang.id)
    assert accepted.headers["Location"].endswith("/account")
    assert client.get_cookie(COOKIE_NAME) is not None
    assert last_passkey_event(services).outcome == "success"


def test_a_disabled_account_is_refused_its_passkey(client, services, person):
    wang = person("wangwu", 2)
    authenticator = SoftwareAuthenticator()
    authenticator.register(services, wang.id)
    with services.db.begin() as session:
        session.execute(update(Person).where(Person.id == wang.id).values(disabled=True))
    passwordless(client, authenticator, user=wang.id)
    assert client.get_cookie(COOKIE_NAME) is None
    assert last_passkey_event(services).detail["reason"] == "disabled"


def second_factor_page(client, username: str):
    form = client.get("/login")
    client.post("/login", data={"csrf_token": csrf_of(form), "username": username,
                                "password": PASSWORD, "door": "person"})
    page = client.get("/login/otp")
    assert "使用通行密钥验证" in page.get_data(as_text=True)
    csrf = csrf_of(page)
    options = client.post("/login/otp/passkey/options", data={"csrf_token": csrf}).json
    return csrf, options


def test_the_second_factor_takes_a_passkey_without_user_verification(
        backend, client, services, person):
    wang = person("wangwu", 3)
    authenticator = SoftwareAuthenticator()
    authenticator.register(services, wang.id)
    csrf, options = second_factor_page(client, "wangwu")
    # Only this account's passkeys are offered to the browser.
    assert [c["id"] for c in options["allowCredentials"]] == [
        b64url(authenticator.credential_id)]
    done = client.post("/login/otp/passkey", data={
        "csrf_token": csrf, "credential": authenticator.answer(options, ORIGIN, verified=False)})
    assert done.headers["Location"].endswith("/account")
    session = services.sessions.load(client.get_cookie(COOKIE_NAME).value)
    assert session.level == 3 and session.amr == ["pwd", "swk", "user"]


def test_another_accounts_passkey_is_refused_as_the_second_factor(client, services, person):
    wang, zhao = person("wangwu", 4), person("zhaoliu", 5)
    authenticator, theirs = SoftwareAuthenticator(), SoftwareAuthenticator()
    authenticator.register(services, wang.id)
    theirs.register(services, zhao.id)
    csrf, options = second_factor_page(client, "wangwu")
    refused = client.post("/login/otp/passkey", data={
        "csrf_token": csrf, "credential": theirs.answer(options, ORIGIN)})
    assert refused.headers["Location"].endswith("/login/otp")
    assert client.get_cookie(COOKIE_NAME) is None
    event = last_passkey_event(services)
    assert (event.type, event.detail["reason"]) == ("login.mfa", "other_account")


def test_an_sms_login_of_an_account_with_a_passkey_still_owes_the_passkey(
        app, client, services, settings, person):
    """A phone alone does not open a two-factor account (as with an authenticator app): the
    passkey follows the SMS code, and the session says what was used, level 1 at most."""
    wang = person("wangwu", 6, phone=PHONE)  # recorded by an operator: it counts as verified
    authenticator = SoftwareAuthenticator()
    authenticator.register(services, wang.id)
    ask_sms_code(client)
    owed = enter_sms_code(client, login_codes(settings)[-1])
    assert owed.headers["Location"].endswith("/login/otp")
    assert client.get_cookie(COOKIE_NAME) is None
    page = client.get("/login/otp")
    csrf = csrf_of(page)
    options = client.post("/login/otp/passkey/options", data={"csrf_token": csrf}).json
    client.post("/login/otp/passkey", data={
        "csrf_token": csrf, "credential": authenticator.answer(options, ORIGIN)})
    session = services.sessions.load(client.get_cookie(COOKIE_NAME).value)
    assert session.amr == ["sms", "swk", "user"] and session.level == 1
