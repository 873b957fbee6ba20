"""Forgot password on an account whose passkey logs in without a password: after the SMS code
the passkey (or a recovery code) is asked for, as the authenticator's code is for a TOTP
account, before any new password can be set (issue 12: a phone alone does not take over such an
account). Through the real pages, with passkeys held in Python."""

from __future__ import annotations

import re

from sqlalchemy import select

from idp.accounts.service import get_person
from idp.audit import AuditEvent
from idp.notify.outbox import OUTBOX_NAME, read_outbox
from tests.passkeys.passkey_helpers import PASSWORD, SoftwareAuthenticator
from tests.passkeys.test_passkey_checks import (
    ORIGIN,
    csrf_of,
    person,  # noqa: F401 - a fixture
    services,  # noqa: F401 - a fixture
)

NEW = "钱塘江的潮水 2027"
PHONE = "13700002222"


def through_the_sms_code(client, idp_services, username: str):
    csrf = csrf_of(client.get("/login/forgot"))
    client.post("/login/forgot", data={"csrf_token": csrf, "username": username, "phone": PHONE})
    texts = [m["text"] for m in read_outbox(idp_services.settings.data_dir / OUTBOX_NAME)
             if m["kind"] == "recovery_code"]
    code = re.search(r"验证码 (\d{6})", texts[-1])[1]
    return client.post("/login/forgot/code", data={"csrf_token": csrf, "code": code})


def reset_with_passkey(client, authenticator, user: str):
    page = client.get("/login/forgot/otp")
    csrf = csrf_of(page)
    options = client.post("/login/forgot/passkey/options", data={"csrf_token": csrf}).json
    return client.post("/login/forgot/passkey", data={
        "csrf_token": csrf, "credential": authenticator.answer(options, ORIGIN, user=user)})


def new_password(client, password: str = NEW):
    csrf = csrf_of(client.get("/login/forgot"))
    return client.post("/login/forgot/password",
                       data={"csrf_token": csrf, "password": password, "confirm": password})


def test_a_passkey_account_proves_its_passkey_before_a_new_password(client, services, person):  # noqa: F811
    wang = person("wangwu", 21, phone=PHONE)
    authenticator = SoftwareAuthenticator()
    authenticator.register(services, wang.id)

    answered = through_the_sms_code(client, services, "wangwu")
    assert answered.headers["Location"].endswith("/login/forgot/otp")  # not the new password
    page = client.get("/login/forgot/otp").get_data(as_text=True)
    assert "使用通行密钥验证" in page
    assert "验证器应用" not in page  # it has no authenticator app to ask for
    # The SMS code alone sets nothing: the new password's step sends it back.
    assert client.get("/login/forgot/password").headers["Location"].endswith("/login/forgot/otp")
    assert new_password(client).headers["Location"].endswith("/login/forgot")
    assert services.passwords.verify(get_person(services, wang.id).password_hash, PASSWORD)

    passed = reset_with_passkey(client, authenticator, wang.id)
    assert passed.headers["Location"].endswith("/login/forgot/password")
    with services.db.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.type == "login.mfa")
                                .order_by(AuditEvent.id.desc())).first()
    assert (event.outcome, event.detail["method"], event.detail["purpose"]) == (
        "success", "passkey", "password_reset")
    assert new_password(client).headers["Location"].endswith("/login")
    assert services.passwords.verify(get_person(services, wang.id).password_hash, NEW)


def test_another_accounts_passkey_does_not_reset_the_password(client, services, person):  # noqa: F811
    wang = person("wangwu", 22, phone=PHONE)
    SoftwareAuthenticator().register(services, wang.id)
    stranger = person("lisi", 23)
    theirs = SoftwareAuthenticator()
    theirs.register(services, stranger.id)

    through_the_sms_code(client, services, "wangwu")
    refused = reset_with_passkey(client, theirs, stranger.id)
    assert refused.headers["Location"].endswith("/login/forgot/otp")
    assert "通行密钥未通过验证" in client.get("/login/forgot/otp").get_data(as_text=True)
    assert client.get("/login/forgot/password").headers["Location"].endswith("/login/forgot/otp")
    assert services.passwords.verify(get_person(services, wang.id).password_hash, PASSWORD)
