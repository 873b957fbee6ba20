"""/account/verify: name + ID number confirmed by the local population register raise the
account to level 2, in the database and in the current SSO session."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from idp.accounts.service import find_person_by_username
from idp.audit import AuditEvent
from idp.verification.real_name import raise_session_level
from tests.real_name.conftest import new_id_number


def level_of(svc, username: str) -> int:
    return find_person_by_username(svc, username).assurance_level


@pytest.fixture
def alice(person, login):
    alice = person("alice")
    assert login("alice").status_code == 303
    return alice


def test_a_confirmed_name_and_number_raise_the_account_and_the_session_to_level_2(
    backend, client, svc, alice, population, verify, sso_token, events
):
    number = new_id_number()
    population([(number, "王小明")])
    answer = verify("王小明", number)
    assert answer.status_code == 303 and answer.headers["Location"] == "/account"
    assert level_of(svc, "alice") == 2
    assert svc.sessions.load(sso_token()).level == 2
    page = client.get("/account").get_data(as_text=True)
    assert "实名认证成功" in page and "已实名认证" in page
    assert number[:6] + "********" + number[-4:] in page  # shown masked, from the sealed value
    assert 'href="/account/verify"' not in page  # nothing offers to verify (or change) again
    assert events("real_name.verify")[-1].outcome == "success"


def test_the_number_is_sealed_and_the_register_holds_only_keyed_hashes(
    svc, alice, population, verify
):
    number = new_id_number()
    population([(number, "王小明")])
    verify("王小明", number)
    with svc.db.engine.connect() as conn:
        persons = str(list(conn.execute(text("SELECT * FROM persons"))))
        register = str(list(conn.execute(text("SELECT * FROM population_register"))))
    assert level_of(svc, "alice") == 2
    assert number not in persons and number[:17] not in persons
    assert number not in register and "王小明" not in register


@pytest.mark.parametrize(("registered", "typed", "case"), [
    ("王小明", "王小红", "the name does not match the number"),
    (None, "王小明", "the number is not in the register"),
])
def test_a_name_and_number_the_register_does_not_confirm_are_refused(
    svc, alice, population, verify, registered, typed, case
):
    number = new_id_number()
    population([(number if registered else new_id_number(), registered or "李四")])
    answer = verify(typed, number)
    assert answer.status_code == 400, case
    assert "未通过人口信息核验" in answer.get_data(as_text=True)
    assert level_of(svc, "alice") == 1


def test_a_number_verified_on_another_account_tells_the_person_to_recover_that_account(
    backend, svc, person, population, verify, login
):
    number = new_id_number()
    person("bob", id_number=number, level=2)
    person("alice")
    login("alice")
    population([(number, "王小明")])
    answer = verify("王小明", number)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "已由另一个账号完成实名认证" in page and "找回该账号" in page
    assert "recover that account" in page
    assert 'href="/login/forgot"' in page
    assert level_of(svc, "alice") == 1


def test_a_malformed_number_is_refused_audited_and_not_counted_as_a_try(
    svc, alice, verify, events
):
    for _ in range(svc.settings.verify_tries_per_hour + 1):
        answer = verify("王小明", "110105194912310021")  # wrong GB 11643 check digit
        assert answer.status_code == 400
        assert "身份证号码校验码错误" in answer.get_data(as_text=True)
    assert events("real_name.verify")[-1].detail["reason"] == "invalid_id_number"


def test_tries_are_limited_per_account(svc, alice, population, verify, events):
    population([(new_id_number(), "王小明")])
    for _ in range(svc.settings.verify_tries_per_hour):
        assert verify("王小明", new_id_number()).status_code == 400
    answer = verify("王小明", new_id_number())
    assert answer.status_code == 429 and "核验次数过多" in answer.get_data(as_text=True)
    assert events("real_name.verify")[-1].detail["reason"] == "too_many_tries"


def test_tries_are_limited_per_ip_across_accounts(svc, person, population, verify, login, app):
    for username in ("alice", "bob"):
        person(username)
    browsers = {name: app.test_client() for name in ("alice", "bob")}
    for name, browser in browsers.items():
        login(name, browser=browser, REMOTE_ADDR="203.0.113.9")
    limit = svc.settings.verify_tries_per_hour
    for i in range(limit):
        browser = browsers["alice" if i % 2 else "bob"]
        verify("王小明", new_id_number(), browser=browser, REMOTE_ADDR="203.0.113.9")
    refused = verify("王小明", new_id_number(), browser=browsers["alice"],
                     REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 429


def test_every_attempt_is_audited_and_no_event_carries_the_number_or_the_name(
    svc, alice, population, verify, events
):
    number, other = new_id_number(), new_id_number()
    population([(number, "王小明")])
    verify("王小红", number)  # name mismatch
    verify("王小明", other)  # unknown
    verify("王小明", number)  # success
    attempts = events("real_name.verify")
    assert [(e.outcome, e.detail.get("reason")) for e in attempts] == [
        ("failure", "name_mismatch"), ("failure", "unknown"), ("success", None)]
    with svc.db.session() as session:
        everything = " ".join(repr((e.detail, e.username)) for e in session.query(AuditEvent))
    for secret in (number, other, number[-8:], "王小明", "王小红"):
        assert secret not in everything


def test_the_form_needs_its_csrf_token(client, alice):
    answer = client.post("/account/verify", data={"name": "王小明", "id_number": "x"})
    assert answer.status_code == 400


def test_the_page_needs_a_session(client):
    assert "/login" in client.get("/account/verify").headers["Location"]


def test_account_offers_verification_only_at_level_1(client, alice):
    page = client.get("/account").get_data(as_text=True)
    assert re.search(r'href="/account/verify"', page) and "实名认证" in page


def test_level_3_is_level_2_with_a_second_factor_in_this_session(svc, person):
    bob = person("bob")
    token, session = svc.sessions.create(account_id=bob.id, username="bob", level=1,
                                         amr=["pwd", "otp"])
    raise_session_level(svc, token, session, 2)
    assert svc.sessions.load(token).level == 3
    token, session = svc.sessions.create(account_id=bob.id, username="bob", level=1,
                                         amr=["pwd"])
    raise_session_level(svc, token, session, 2)
    assert svc.sessions.load(token).level == 2
