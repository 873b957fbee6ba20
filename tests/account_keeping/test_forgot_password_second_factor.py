"""Forgot password on an account with an authenticator app: after the SMS code, the app's code
or a recovery code, counted like the login's second-factor step, before the new password
(issue 12: a phone alone does not take over a two-factor account)."""

from __future__ import annotations

import re
import time
from dataclasses import replace

import pyotp
import pytest

from idp.accounts.service import get_person
from idp.audit import SYSTEM_ACTOR
from idp.authn.recovery import use_recovery_code
from idp.authn.totp import begin_enrolment, confirm_enrolment, is_enrolled
from idp.notify.outbox import OUTBOX_NAME, read_outbox
from tests.login.login_helpers import PASSWORD

NEW = "a brand new secret 42"
PHONE = "13800001111"


@pytest.fixture
def settings(settings):
    """No doubling delays in the way: three wrong codes lock the account."""
    return replace(settings, lockout_free_failures=10, lockout_threshold=3)


@pytest.fixture
def enrolled(svc, alice) -> tuple[str, list[str]]:
    """alice's authenticator, enrolled a step ago (so the current code is unused):
    (secret, recovery codes)."""
    secret = begin_enrolment(svc, alice.id, "alice").secret
    earlier = time.time() - 60
    codes = confirm_enrolment(svc, alice.id, pyotp.TOTP(secret).at(earlier), SYSTEM_ACTOR,
                              now=earlier)
    return secret, codes


def _sms(svc, kind: str) -> list[dict]:
    return [m for m in read_outbox(svc.settings.data_dir / OUTBOX_NAME) if m["kind"] == kind]


def _post(browser, csrf, path, **data):
    return browser.post(path, data={"csrf_token": csrf(browser.get("/login/forgot")), **data})


def _through_the_sms_code(browser, svc, csrf):
    _post(browser, csrf, "/login/forgot", username="alice", phone=PHONE)
    code = re.search(r"验证码 (\d{6})", _sms(svc, "recovery_code")[-1]["text"])[1]
    return _post(browser, csrf, "/login/forgot/code", code=code)


def test_the_authenticators_code_is_asked_after_the_sms_code_and_before_the_new_password(
    client, svc, alice, enrolled, csrf, login, events
):
    assert _through_the_sms_code(client, svc, csrf).headers["Location"].endswith(
        "/login/forgot/otp")
    assert "验证器" in client.get("/login/forgot/otp").get_data(as_text=True)
    # No way round it: the new password's page sends the browser back to the second factor.
    assert client.get("/login/forgot/password").headers["Location"].endswith("/login/forgot/otp")
    assert _post(client, csrf, "/login/forgot/password", password=NEW, confirm=NEW
                 ).headers["Location"].endswith("/login/forgot")
    assert svc.passwords.verify(get_person(svc, alice.id).password_hash, PASSWORD)

    passed = _post(client, csrf, "/login/forgot/otp", code=pyotp.TOTP(enrolled[0]).now())
    assert passed.headers["Location"].endswith("/login/forgot/password")
    assert events("login.mfa")[-1].detail == {
        "door": "person", "method": "totp", "purpose": "password_reset"}
    done = _post(client, csrf, "/login/forgot/password", password=NEW, confirm=NEW)
    assert done.headers["Location"].endswith("/login")
    assert svc.passwords.verify(get_person(svc, alice.id).password_hash, NEW)
    assert is_enrolled(svc, alice.id)  # SMS resets the password, never the second factor
    assert login("alice", NEW).headers["Location"] == "/login/otp"
    assert [m["phone"] for m in _sms(svc, "password_changed")] == [PHONE]


def test_a_recovery_code_does_instead_and_is_used_up(client, svc, alice, enrolled, csrf):
    recovery = enrolled[1][0]
    _through_the_sms_code(client, svc, csrf)
    assert _post(client, csrf, "/login/forgot/otp", code=recovery).headers[
        "Location"].endswith("/login/forgot/password")
    assert _post(client, csrf, "/login/forgot/password", password=NEW, confirm=NEW
                 ).headers["Location"].endswith("/login")
    assert not use_recovery_code(svc, alice.id, recovery)  # spent by the reset


def test_wrong_codes_count_towards_the_accounts_lockout_and_a_lock_ends_the_reset(
    client, svc, alice, enrolled, csrf, login, events
):
    _through_the_sms_code(client, svc, csrf)
    for _ in range(2):
        assert _post(client, csrf, "/login/forgot/otp", code="000000").headers[
            "Location"].endswith("/login/forgot/otp")
    locked = _post(client, csrf, "/login/forgot/otp", code="000000")
    assert locked.headers["Location"].endswith("/login/forgot")
    assert events("lockout")[-1].detail["scope"] == "account"
    assert client.get("/login/forgot/otp").headers["Location"].endswith("/login/forgot")
    # The same lock as the login's: the right password is refused too.
    refused = login("alice")
    assert "/login?" in refused.headers["Location"]
    assert events("login")[-1].detail["reason"] == "locked"
    assert svc.passwords.verify(get_person(svc, alice.id).password_hash, PASSWORD)


def test_an_account_without_an_authenticator_goes_straight_to_the_new_password(
    client, svc, alice, csrf
):
    assert _through_the_sms_code(client, svc, csrf).headers["Location"].endswith(
        "/login/forgot/password")
