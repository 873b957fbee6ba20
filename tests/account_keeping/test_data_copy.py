"""/account/data: a copy of one's own data (PIPL art. 45), the full ID number only after the
password was typed again within five minutes."""

from __future__ import annotations

import json

from clients.consent import grant_consent
from idp.accounts.identity_numbers import credit_code_check_char
from idp.accounts.service import create_legal_person, person_claims
from idp.audit import SYSTEM_ACTOR
from idp.authn.reauth import FRESH_SECONDS, confirm_password, is_fresh
from tests.login.login_helpers import PASSWORD


def _download(browser, csrf, kind):
    page = browser.get("/account/data")
    return browser.post("/account/data/download", data={"csrf_token": csrf(page),
                                                        "id_number": kind})


def _confirm(browser, csrf, password):
    page = browser.get("/account/data")
    return browser.post("/account/data/password", data={"csrf_token": csrf(page),
                                                        "password": password})


def test_the_copy_holds_the_persons_data_and_nobody_elses_with_the_id_number_masked(
    client, svc, alice, bob, login, csrf, site, sign_in_to_site, events
):
    login("alice")
    sign_in_to_site(client)
    with svc.db.begin() as session:
        grant_consent(session, alice.id, site[0], "openid profile")
    first17 = "91330100MA2B3C4D5"
    create_legal_person(svc, SYSTEM_ACTOR, name="某某科技有限公司",
                        credit_code=first17 + credit_code_check_char(first17),
                        representative_username="alice")
    mine, theirs = person_claims(svc, alice), person_claims(svc, bob)
    response = _download(client, csrf, "masked")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    copy = response.get_json()
    account = copy["account"]
    assert account["id"] == alice.id and account["username"] == "alice"
    assert account["name"] == "张三" and account["phone"] == mine["phone"] == "13800001111"
    assert account["id_number"] == mine["id_number"][:6] + "********" + mine["id_number"][-4:]
    assert account["id_number_masked"] is True
    assert [c["site"] for c in copy["consents"]] == ["社保查询"]
    assert [s["site"] for s in copy["authorised_sites"]] == ["社保查询"]
    assert [(a["legal_person"], a["role"]) for a in copy["authorisations"]] == [
        ("某某科技有限公司", "representative")]
    text = response.get_data(as_text=True)
    assert mine["id_number"] not in text
    for value in (bob.id, "bob", theirs["phone"], theirs["id_number"],
                  theirs["id_number"][-4:] + '"'):
        assert value not in text
    assert events("account.data_export")[-1].detail == {"id_number": "masked"}


def test_the_full_id_number_needs_the_password_again(client, svc, alice, login, csrf, events):
    login("alice")
    refused = _download(client, csrf, "full")
    assert refused.status_code == 303
    assert "请先再次输入密码" in client.get("/account/data").get_data(as_text=True)
    _confirm(client, csrf, "not the password")
    assert "密码不正确" in client.get("/account/data").get_data(as_text=True)
    assert _download(client, csrf, "full").status_code == 303
    _confirm(client, csrf, PASSWORD)
    assert "分钟内可下载含完整身份证号" in client.get("/account/data").get_data(as_text=True)
    copy = _download(client, csrf, "full").get_json()
    assert copy["account"]["id_number"] == person_claims(svc, alice)["id_number"]
    assert copy["account"]["id_number_masked"] is False
    assert events("account.data_export")[-1].detail == {"id_number": "full"}
    assert [e.outcome for e in events("password.confirm")] == ["failure", "success"]
    assert json.dumps(events("password.confirm")[-1].detail) == '{"purpose": "data_copy"}'


def test_a_password_typed_again_is_fresh_for_five_minutes_and_for_that_session_only(
    svc, alice
):
    assert confirm_password(svc, alice.id, PASSWORD, actor=SYSTEM_ACTOR, purpose="test",
                            sid="session-a", now=1_000_000)
    assert is_fresh(svc, "session-a", now=1_000_000 + FRESH_SECONDS)
    assert not is_fresh(svc, "session-a", now=1_000_000 + FRESH_SECONDS + 1)
    assert not is_fresh(svc, "session-b", now=1_000_000)


def test_the_downloads_need_a_session_and_the_csrf_token(client, alice, login):
    assert client.get("/account/data").status_code == 302
    assert client.post("/account/data/download", data={"id_number": "masked"}
                       ).status_code == 400
    login("alice")
    assert client.post("/account/data/download", data={"id_number": "masked"}
                       ).status_code == 400
