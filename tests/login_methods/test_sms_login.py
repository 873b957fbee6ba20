"""SMS code login (短信验证码登录, issue 13): phone -> code -> logged in at level 1 with amr
["sms"], through the login hand-off (an OIDC relying party gets acr 1), two plain forms."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from methods_helpers import (
    PHONE,
    RelyingParty,
    ask_sms_code,
    csrf_of,
    enter_sms_code,
    login_codes,
    outbox,
    page_text,
)
from sqlalchemy import select

from idp.audit import AuditEvent
from idp.authn.one_time_codes import MAX_TRIES


@pytest.fixture
def settings(settings):
    """No doubling delays between failures (a test types faster than they allow): failures
    still count toward the lockout, which is what is tested; more codes a day than a phone
    may have, to reach the lock."""
    return replace(settings, lockout_free_failures=50, sms_phone_daily=100)


def test_a_person_logs_in_at_a_relying_party_with_an_sms_code(client, svc, settings, person,
                                                              events):
    alice = person("alice", level=2)
    rp = RelyingParty(svc)
    login_id = rp.authorize(client)
    page = page_text(client, f"/login?login={login_id}")
    assert "短信登录" in page and "扫码登录" in page  # every factor allowed by default
    asked = ask_sms_code(client, login_id=login_id)
    assert asked.status_code == 303 and asked.headers["Location"].endswith("/login/sms/code")
    assert "138****5678" in page_text(client, "/login/sms/code")
    [code] = login_codes(settings)

    done = enter_sms_code(client, code)
    claims = rp.id_token(client, done)
    assert claims["sub"] == alice.id
    # A level-2 (real-name verified) person reaches level 1 only: a phone is possession.
    assert claims["acr"] == "1" and claims["amr"] == ["sms"]
    [login_event] = [e for e in events("login") if e.outcome == "success"]
    assert login_event.detail["methods"] == ["sms"]
    assert "13812345678" not in str(login_event.detail)


def test_an_unknown_phone_gets_the_same_answer_and_no_sms(client, settings, person):
    person("alice")
    known = ask_sms_code(client, PHONE)
    unknown = ask_sms_code(client, "13900001111", ip="10.0.0.2")
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"]
    assert [m["phone"] for m in outbox(settings)] == [PHONE]
    # The code step fails exactly as a wrong code does.
    wrong = enter_sms_code(client, "000000", ip="10.0.0.2")
    assert wrong.headers["Location"].endswith("/login/sms/code")
    assert "验证码不正确" in page_text(client, "/login/sms/code")


def test_an_operator_recorded_phone_counts_as_verified(client, svc, settings, person):
    """person() records the phone as ``idp users add-person --phone`` does (no SMS proof)."""
    bob = person("bob", phone="13700001234")
    assert bob.phone_verified_at is None
    ask_sms_code(client, "13700001234")
    [code] = login_codes(settings, "13700001234")
    done = enter_sms_code(client, code)
    assert done.status_code == 303 and done.headers["Location"].endswith("/account")
    session = svc.sessions.for_account(bob.id)[0]
    assert session.amr == ["sms"] and session.level == 1


def test_a_code_is_void_after_its_tries_and_wrong_codes_count_toward_the_lockout(
        client, svc, settings, person, events):
    person("alice")
    ask_sms_code(client)
    [code] = login_codes(settings)
    for _ in range(MAX_TRIES - 1):
        assert enter_sms_code(client, "000000").headers["Location"].endswith("/login/sms/code")
    last = enter_sms_code(client, "000001")
    assert "method=sms" in last.headers["Location"]  # back to the phone: ask again
    assert "已失效" in page_text(client, last.headers["Location"])
    failures = [e for e in events("login") if e.outcome == "failure"]
    assert len(failures) == MAX_TRIES and all(e.detail["methods"] == ["sms"] for e in failures)
    # The right code, too late: its tries are spent and the step is gone.
    assert client.get("/login/sms/code").headers["Location"] == "/login?method=sms"
    form = client.get("/login?method=sms")
    late = client.post("/login/sms/code", data={"csrf_token": csrf_of(form), "code": code})
    assert "已失效" in page_text(client, late.headers["Location"])
    assert not svc.sessions.for_account(failures[0].account_id)


def test_enough_wrong_codes_lock_the_account_even_for_its_password(
        client, svc, settings, person, login, events):
    alice = person("alice")
    threshold = settings.lockout_threshold
    sent = 0
    while len([e for e in events("login") if e.outcome == "failure"]) < threshold:
        svc.store.delete(f"sms:last:{_tag(svc)}")  # the 1-per-minute limit, not under test
        ask_sms_code(client)
        sent += 1
        enter_sms_code(client, "000000")
        if events("lockout"):
            break
    [lock] = events("lockout")
    assert lock.account_id == alice.id
    # Locked: neither a new code nor the password logs in.
    svc.store.delete(f"sms:last:{_tag(svc)}")
    ask_sms_code(client)
    answer = enter_sms_code(client, login_codes(settings)[-1])
    assert "锁定" in page_text(client, answer.headers["Location"])
    refused = login(password="correct horse battery")
    assert "锁定" in page_text(client, refused.headers["Location"])
    assert not svc.sessions.for_account(alice.id)


def test_send_limits_answer_alike_for_known_and_unknown_phones(client, settings, person):
    person("alice")
    ask_sms_code(client, PHONE)
    again = ask_sms_code(client, PHONE)
    ask_sms_code(client, "13900001111", ip="10.0.0.2")
    again_unknown = ask_sms_code(client, "13900001111", ip="10.0.0.2")
    assert again.headers["Location"] == again_unknown.headers["Location"]
    assert "method=sms" in again.headers["Location"]
    assert "1分钟后再试" in page_text(client, again.headers["Location"])
    assert len(login_codes(settings)) == 1


def test_a_relying_party_that_refuses_sms_gets_no_tab_and_no_sms_login(
        client, svc, settings, person):
    person("alice")
    rp = RelyingParty(svc, name="公积金提取", first_factors=["password", "passkey"])
    login_id = rp.authorize(client)
    page = page_text(client, f"/login?login={login_id}")
    assert "短信登录" not in page and "扫码登录" not in page
    assert "此服务仅接受以下登录方式" in page and "通行密钥" in page
    assert "/login/sms" not in page_text(client, f"/login?login={login_id}&method=sms")
    refused = ask_sms_code(client, login_id=login_id)
    assert "method" not in refused.headers["Location"]
    assert "此服务不接受短信验证码登录" in page_text(client, refused.headers["Location"])
    assert outbox(settings) == []
    with svc.db.session() as session:  # the step made by hand is in the security log
        event = session.scalars(select(AuditEvent).where(AuditEvent.type == "login")
                                .order_by(AuditEvent.id.desc())).first()
    assert (event.outcome, event.client_id) == ("failure", rp.client.client_id)
    assert (event.detail["reason"], event.detail["methods"]) == ("first_factor", ["sms"])


def test_an_sms_session_does_not_answer_a_relying_party_that_refuses_sms(
        client, svc, settings, person):
    """Logged in by SMS for one site, the person is asked to log in again (with a password)
    by a site that does not accept SMS: its ID token never carries amr sms."""
    person("alice")
    ask_sms_code(client)
    enter_sms_code(client, login_codes(settings)[0])
    rp = RelyingParty(svc, name="不动产登记", first_factors=["password"])
    login_id = rp.authorize(client)  # sent to the login page, not answered
    assert "此服务仅接受以下登录方式：密码" in page_text(client, f"/login?login={login_id}")


def _tag(svc) -> str:
    from idp.authn.phone_codes import codes

    return codes(svc).phone_tag(PHONE)


def test_an_account_with_an_authenticator_app_still_owes_its_code_after_sms(
        app, client, svc, settings, person, login):
    """A phone alone does not open a two-factor account: the TOTP code follows, and the
    session says what was used (sms + otp), still level 1."""
    import re

    import pyotp

    alice = person("alice", level=2)
    login()  # enrol the authenticator from "my account"
    page = client.get("/account/mfa/totp")
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page.get_data(as_text=True))[1]
    secret = secret.replace(" ", "")
    client.post("/account/mfa/totp", data={"csrf_token": csrf_of(page),
                                           "code": pyotp.TOTP(secret).now()})
    fresh = app.test_client()
    ask_sms_code(fresh)
    owed = enter_sms_code(fresh, login_codes(settings)[-1])
    assert owed.headers["Location"].endswith("/login/otp")
    before = {one.sid for one in svc.sessions.for_account(alice.id)}  # the enrolling browser's
    assert len(before) == 1
    otp = fresh.get("/login/otp")
    done = fresh.post("/login/otp", data={"csrf_token": csrf_of(otp),
                                          "code": pyotp.TOTP(secret).at(time.time() + 30)})
    assert done.headers["Location"].endswith("/account")
    [new] = [one for one in svc.sessions.for_account(alice.id) if one.sid not in before]
    assert new.amr == ["sms", "otp"] and new.level == 1
    # A site wanting level 2 gets no step-up from this session (its code alone would claim a
    # password nobody typed): the login page, for a password login.
    rp = RelyingParty(svc, name="医保服务", min_level=2)
    login_id = rp.authorize(fresh)
    page = fresh.get(f"/login?login={login_id}")
    assert page.status_code == 200 and "医保服务" in page.get_data(as_text=True)
