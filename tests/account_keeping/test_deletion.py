"""Deleting one's account (PIPL art. 47): request, grace period, cancel by login, erasure."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from clients.consent import Consent, grant_consent
from idp.accounts.deletion import AccountDeletion, pending
from idp.accounts.identity_numbers import credit_code_check_char
from idp.accounts.models import Authorisation, Person
from idp.accounts.service import create_legal_person, find_person_by_username, get_person
from idp.audit import SYSTEM_ACTOR, Actor
from idp.audit.record import AuditEvent
from idp.authn.models import RecoveryCode, TotpCredential
from idp.db import utcnow
from idp.oidc.grants.refresh_token_model import RefreshToken
from idp.privacy.deletion import DeletionRefused, request_deletion
from idp.privacy.erasure import purge_deleted
from tests.admin.admin_helpers import enrol_totp
from tests.login.login_helpers import PASSWORD

ME = Actor("10.0.0.7", "pytest")


def _ask(browser, csrf, password=PASSWORD, confirm="yes"):
    form = browser.get("/account/delete")
    assert form.status_code == 200 and "注销账号" in form.get_data(as_text=True)
    return browser.post("/account/delete", data={
        "csrf_token": csrf(form), "password": password, "confirm": confirm})


def _count(svc, model, *where):
    with svc.db.session() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def _event_ids(svc, account_id) -> set[int]:
    with svc.db.session() as session:
        return set(session.scalars(select(AuditEvent.id).where(
            AuditEvent.account_id == account_id)))


def test_schedule_cancel_by_login_schedule_again_then_erasure_after_the_grace_period(
    client, svc, backend, person, login, csrf, site, sign_in_to_site, sso_token, events, cli
):
    alice = person("alice", phone="13800001111", email="alice@example.cn")
    login("alice")
    assert sign_in_to_site(client)["refresh_token"]
    with svc.db.begin() as session:
        grant_consent(session, alice.id, site[0], "openid profile", actor=ME)
    first17 = "91330100MA2B3C4D5"
    create_legal_person(svc, SYSTEM_ACTOR, name="某某科技有限公司",
                        credit_code=first17 + credit_code_check_char(first17),
                        representative_username="alice")
    token = sso_token()

    asked = _ask(client, csrf)
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "已申请注销账号" in page and "撤销注销" in page
    assert svc.sessions.load(token) is None and sso_token() is None
    assert pending(svc, alice.id) is not None
    assert events("account.deletion_request")[-1].account_id == alice.id

    back = login("alice")  # within the grace period: the login cancels the deletion
    assert back.status_code == 303
    assert "账号注销申请已撤销" in client.get("/account").get_data(as_text=True)
    assert pending(svc, alice.id) is None
    assert events("account.deletion_cancel")[-1].detail == {"reason": "login"}

    enrol_totp(svc, alice.id, "alice")
    asked_at = utcnow()
    due = request_deletion(svc, ME, account_id=alice.id, password=PASSWORD, now=asked_at)
    assert due == asked_at + timedelta(days=15)
    assert purge_deleted(svc, now=due - timedelta(seconds=1)) == []
    before = _event_ids(svc, alice.id)

    erased = purge_deleted(svc, now=due)
    assert [e["account_id"] for e in erased] == [alice.id]
    assert erased[0]["removed"] == {"consents": 1, "refresh_tokens": 1, "authorisations": 1,
                                    "totp": 1, "recovery_codes": 10, "passkeys": 0,
                                    "invitations": 0}
    with svc.db.session() as session:
        row = session.get(Person, alice.id)
        sealed = {c.name: getattr(row, c.key) for c in Person.__table__.columns
                  if c.name.endswith(("_sealed", "_index"))}
    assert set(sealed) >= {"id_number_sealed", "id_number_index", "phone_sealed",
                           "phone_index", "email_sealed", "email_index", "address_sealed"}
    assert all(value is None for value in sealed.values())
    assert row.username == f"deleted.{alice.id}" and row.name == "" and row.disabled
    assert row.phone_verified_at is None
    assert find_person_by_username(svc, "alice") is None
    for model, column in ((Consent, Consent.account_id), (RefreshToken, RefreshToken.account_id),
                          (Authorisation, Authorisation.person_id),
                          (TotpCredential, TotpCredential.account_id),
                          (RecoveryCode, RecoveryCode.account_id),
                          (AccountDeletion, AccountDeletion.account_id)):
        assert _count(svc, model, column == alice.id) == 0, model
    # The audit keeps every event with the account id, adds the erasure, and still verifies.
    assert before < _event_ids(svc, alice.id)
    assert events("account.erase")[-1].detail["removed"]["consents"] == 1
    verified = cli("audit", "verify", "--json")
    assert verified.exit_code == 0 and json.loads(verified.output)["ok"] is True

    login("alice")  # refused like an unknown user
    assert "用户名或密码错误" in client.get("/login").get_data(as_text=True)
    assert svc.sessions.load(sso_token()) is None
    refused = events("login")[-1]
    assert refused.outcome == "failure" and refused.account_id is None


def test_a_login_after_the_grace_period_is_refused_like_an_unknown_user_before_erasure(
    app, client, svc, alice, login, csrf, events
):
    login("alice")
    request_deletion(svc, ME, account_id=alice.id, password=PASSWORD,
                     now=utcnow() - timedelta(days=16))
    login("alice")
    assert "用户名或密码错误" in client.get("/login").get_data(as_text=True)
    assert pending(svc, alice.id) is not None  # not cancelled: the login never succeeded
    assert events("login")[-1].account_id is None


def test_the_request_needs_the_password_and_the_ticked_box(client, svc, alice, login, csrf):
    login("alice")
    assert "密码不正确" in client.get(_ask(client, csrf, "wrong one")
                                      .headers["Location"]).get_data(as_text=True)
    assert "请勾选确认注销" in client.get(_ask(client, csrf, confirm="")
                                        .headers["Location"]).get_data(as_text=True)
    assert pending(svc, alice.id) is None
    assert client.post("/account/delete", data={"password": PASSWORD, "confirm": "yes"}
                       ).status_code == 400  # no CSRF token
    with pytest.raises(DeletionRefused):
        request_deletion(svc, ME, account_id=alice.id, password="wrong one")


def test_relying_parties_hear_of_the_deletion_through_back_channel_logout(
    client, svc, alice, login, csrf, site, sign_in_to_site
):
    login("alice")
    sign_in_to_site(client)
    receiver = site[1]
    assert _ask(client, csrf).status_code == 200
    posts = [hit for hit in receiver.hits if hit.method == "POST"]
    assert len(posts) == 1
    token = posts[0].body.decode().split("logout_token=")[1].split("&")[0]
    claims = svc.signing_keys.verify_jwt(token, ["RS256"])
    assert claims["sub"] == alice.id and claims["aud"] == site[0]


def test_the_purge_command_erases_accounts_whose_grace_period_is_over(
    svc, alice, bob, cli, settings
):
    request_deletion(svc, ME, account_id=alice.id, password=PASSWORD,
                     now=utcnow() - timedelta(days=15, seconds=1))
    request_deletion(svc, ME, account_id=bob.id, password=PASSWORD)  # still in its grace
    done = cli("users", "purge-deleted", "--json")
    assert done.exit_code == 0, done.output
    assert [e["account_id"] for e in json.loads(done.output)["erased"]] == [alice.id]
    assert get_person(svc, alice.id).username.startswith("deleted.")
    assert get_person(svc, bob.id).username == "bob"
    assert json.loads(cli("users", "purge-deleted", "--json").output) == {"erased": []}


def test_the_grace_period_is_a_setting(svc, alice):
    svc.settings = replace(svc.settings, account_deletion_grace_days=3)
    asked_at = utcnow()
    due = request_deletion(svc, ME, account_id=alice.id, password=PASSWORD, now=asked_at)
    assert due == asked_at + timedelta(days=3)


def test_the_server_erases_due_accounts_when_it_starts(svc, alice, settings):
    from idp.bootstrap import prepare

    request_deletion(svc, ME, account_id=alice.id, password=PASSWORD,
                     now=utcnow() - timedelta(days=16))
    prepare(settings)  # what `idp serve` runs once before its workers start
    assert get_person(svc, alice.id).username == f"deleted.{alice.id}"
