"""SMS telling a person that their password changed, a second factor was added or removed, or
their account's deletion was asked for (issue 12), read from the development outbox."""

from __future__ import annotations

import pyotp

from idp.audit import Actor
from idp.authn.totp import remove_totp
from tests.admin.admin_helpers import enrol_totp
from tests.login.login_helpers import PASSWORD, csrf_of
from tests.notifications.conftest import ALICE_PHONE

NEW = "a brand new secret 42"
ME = Actor("10.0.0.7", "pytest")


def test_changing_the_password_tells_the_accounts_phone(client, alice, login, notices):
    login("alice")
    form = client.get("/account/password")
    done = client.post("/account/password", data={
        "csrf_token": csrf_of(form), "current": PASSWORD, "password": NEW, "confirm": NEW})
    assert done.headers["Location"].endswith("/account")
    told = notices("password_changed")
    assert [m["phone"] for m in told] == [ALICE_PHONE] and "密码已修改" in told[0]["text"]


def test_adding_and_removing_the_authenticator_are_each_told(svc, alice, notices):
    secret = enrol_totp(svc, alice.id, "alice")
    assert [m["phone"] for m in notices("second_factor_added")] == [ALICE_PHONE]
    assert remove_totp(svc, alice.id, pyotp.TOTP(secret).now(), ME)
    told = notices("second_factor_removed")
    assert [m["phone"] for m in told] == [ALICE_PHONE] and "解除" in told[0]["text"]


def test_asking_for_deletion_tells_the_phone_when_the_data_go(client, alice, login, notices):
    login("alice")
    form = client.get("/account/delete")
    asked = client.post("/account/delete", data={
        "csrf_token": csrf_of(form), "password": PASSWORD, "confirm": "yes"})
    assert asked.status_code == 200
    told = notices("deletion_scheduled")
    assert [m["phone"] for m in told] == [ALICE_PHONE]
    assert "已申请注销" in told[0]["text"] and "撤销" in told[0]["text"]


def test_an_account_without_a_phone_changes_its_password_and_gets_no_sms(
    client, person, login, notices
):
    person("carol", phone=None)
    login("carol")
    form = client.get("/account/password")
    done = client.post("/account/password", data={
        "csrf_token": csrf_of(form), "current": PASSWORD, "password": NEW, "confirm": NEW})
    assert done.headers["Location"].endswith("/account")
    assert notices("password_changed") == []


def test_an_unavailable_sms_gateway_never_stops_the_change(
    client, alice, login, notices, events, monkeypatch
):
    from idp.notify import delivery
    from idp.notify.sender import SmsUnavailable

    class Down:
        name = "down"

        def send(self, message):
            raise SmsUnavailable("gateway_down", attempts=1)

    login("alice")
    monkeypatch.setattr(delivery, "make_sms_sender", lambda settings: Down())
    form = client.get("/account/password")
    done = client.post("/account/password", data={
        "csrf_token": csrf_of(form), "current": PASSWORD, "password": NEW, "confirm": NEW})
    assert done.headers["Location"].endswith("/account")
    failed = [e for e in events("sms.send") if e.detail.get("kind") == "password_changed"]
    assert failed and failed[-1].outcome == "failure"
