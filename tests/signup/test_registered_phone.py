"""A phone that already has its account: the pages answer exactly as for a new phone, its
owner gets a "someone tried to register" SMS instead of a code, and the one-phone policy
(IDP_ACCOUNTS_PER_PHONE) decides when that is."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from signup_helpers import (
    BOTH_STORES,
    NOTICE_VERSION,
    PASSWORD,
    PHONE,
    ask_code,
    choose_account,
    enter_code,
    flashed,
    last_code,
    outbox,
)

from idp.accounts.errors import AccountError
from idp.accounts.self_signup import create_signed_up_person
from idp.audit import SYSTEM_ACTOR

NEW_PHONE = "13912345678"


def _as_seen(response) -> tuple[int, str, str | None]:
    """What a browser sees, less the CSRF token and the number's last four digits."""
    text = re.sub(r'name="csrf_token" value="[^"]+"', "", response.get_data(as_text=True))
    return response.status_code, re.sub(r"1[3-9]\d\*{4}\d{4}", "PHONE", text), \
        response.headers.get("Location")


def _owner(svc, username: str = "owner"):
    return create_signed_up_person(
        svc, SYSTEM_ACTOR, username=username, password=PASSWORD, phone=PHONE,
        phone_verified_at=datetime.now(UTC), privacy_notice_version=NOTICE_VERSION)


@BOTH_STORES
def test_a_registered_phone_gets_the_same_pages_and_its_owner_an_sms(
    app, svc, settings, store_backend
):
    _owner(svc)
    answers = {}
    for phone in (PHONE, NEW_PHONE):
        browser = app.test_client()
        posted = ask_code(browser, phone)
        shown = browser.get("/register/code")
        wrong = enter_code(browser, "000000")
        again = browser.get("/register/code")
        answers[phone] = [_as_seen(r) for r in (posted, shown, wrong, again)]
    assert answers[PHONE] == answers[NEW_PHONE]
    assert answers[PHONE][0][2] == "/register/code" and "验证码已发送" in answers[PHONE][1][1]
    to_owner, = [m for m in outbox(settings) if m["phone"] == PHONE]
    assert to_owner["kind"] == "signup_phone_taken" and "已注册" in to_owner["text"]
    assert not re.search(r"\d{6}", to_owner["text"])  # no code in it


def test_no_code_proves_a_registered_phone(app, svc):
    _owner(svc)
    browser = app.test_client()
    ask_code(browser, PHONE)
    for _ in range(5):
        assert enter_code(browser, "123456").headers["Location"] == "/register/code"
    assert browser.get("/register/account").headers["Location"] == "/register"


def test_the_policy_may_let_one_phone_hold_more_accounts(app, svc, settings, sign_up):
    svc.settings = replace(settings, accounts_per_phone=2, sms_phone_interval_seconds=1)
    sign_up(PHONE, "first")
    time.sleep(1.1)
    assert sign_up(PHONE, "second", browser=app.test_client()).headers["Location"] == "/account"
    time.sleep(1.1)
    ask_code(app.test_client(), PHONE)
    kinds = [m["kind"] for m in outbox(settings)]
    assert kinds == ["signup_code", "signup_code", "signup_phone_taken"]


@pytest.mark.parametrize("per_phone", [1, 2])
def test_the_account_is_refused_past_the_policy_even_after_a_race(svc, settings, backend,
                                                                  per_phone):
    svc.settings = replace(settings, accounts_per_phone=per_phone)
    make = {"password": PASSWORD, "phone": PHONE, "phone_verified_at": datetime.now(UTC),
            "privacy_notice_version": NOTICE_VERSION}
    for n in range(per_phone):
        create_signed_up_person(svc, SYSTEM_ACTOR, username=f"user{n}", **make)
    with pytest.raises(AccountError) as refused:
        create_signed_up_person(svc, SYSTEM_ACTOR, username="onemore", **make)
    assert refused.value.code == "phone_taken"


def test_no_limit_when_the_policy_is_zero(svc, settings):
    svc.settings = replace(settings, accounts_per_phone=0)
    make = {"password": PASSWORD, "phone": PHONE, "phone_verified_at": datetime.now(UTC),
            "privacy_notice_version": NOTICE_VERSION}
    for n in range(3):
        create_signed_up_person(svc, SYSTEM_ACTOR, username=f"user{n}", **make)


def test_after_proving_the_phone_a_taken_phone_is_said_plainly(app, svc, settings):
    """Only who holds the phone learns it is taken (here: taken between code and account)."""
    browser = app.test_client()
    ask_code(browser, PHONE)
    enter_code(browser, last_code(settings))
    _owner(svc, "quicker")
    assert choose_account(browser, "slower").headers["Location"] == "/register/account"
    assert "该手机号已注册账号" in flashed(browser, "/register/account")
