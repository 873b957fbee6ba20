"""Assisted recovery in the console: a security administrator, after checking the person's
identity in person, resets the phone or removes the second factor, with a reason."""

from __future__ import annotations

import json

import pytest

from admin.roles import Role
from idp.accounts.service import get_person, person_claims
from idp.authn.passkeys.assertion import has_passkeys
from idp.authn.totp import is_enrolled
from idp.privacy.history import history
from tests.admin.admin_helpers import enrol_totp
from tests.passkeys.passkey_helpers import SoftwareAuthenticator

CSRF = {"X-CSRF-Token": "test-csrf-token"}
REASON = "本人持身份证到政务大厅办理，工单 2026-118"


def _outbox(svc) -> list[dict]:
    """The assisted-recovery messages in the development outbox, oldest first."""
    path = svc.settings.data_dir / "outbox.jsonl"
    sent = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
    return [m for m in sent if m["kind"] == "assisted_recovery"]


def test_a_security_administrator_resets_the_phone_on_the_persons_page(
    client, svc, alice, login, sso_token, console, events
):
    login("alice")
    browser, admin = console(Role.SECURITY_ADMIN)
    page = browser.get(f"/admin/accounts/{alice.id}").get_data(as_text=True)
    assert "人工找回" in page and "/recovery/phone" in page
    done = browser.post(f"/admin/accounts/{alice.id}/recovery/phone", data={
        "csrf_token": "test-csrf-token", "phone": "139 0000 3333", "reason": REASON})
    assert done.status_code == 303
    assert "已完成人工找回" in browser.get(done.headers["Location"]).get_data(as_text=True)
    assert person_claims(svc, get_person(svc, alice.id))["phone"] == "13900003333"
    assert svc.sessions.load(sso_token()) is None  # whoever holds the lost phone is out
    action = events("admin.action")[-1]
    assert action.account_id == admin.account_id and action.detail["reason"] == REASON
    assert action.detail["action"] == "account.reset_phone"
    assert action.detail["target_account"] == alice.id
    assert "13900003333" not in json.dumps(action.detail)  # masked: 139****3333
    assert events("account.update")[-1].detail == {"fields": ["phone"],
                                                   "assisted_by": admin.username}
    # Both numbers are told: the old one (a faked identity at the counter is noticed) and
    # the new one.
    sent = [(m["phone"], m["text"]) for m in _outbox(svc)]
    assert [phone for phone, _ in sent] == ["13800001111", "13900003333"]
    assert all("更换了绑定手机号" in text for _, text in sent)
    assert history(svc, alice.id).entries[1].words[0] == "更换手机号"


def test_a_security_administrator_removes_the_second_factor_through_the_api(
    svc, alice, console, events
):
    enrol_totp(svc, alice.id, "alice")
    browser, admin = console(Role.SECURITY_ADMIN)
    done = browser.post(f"/admin/api/accounts/{alice.id}/second-factor/remove",
                        json={"reason": REASON}, headers=CSRF)
    assert done.status_code == 200 and done.get_json() == {"changed": True,
                                                           "sessions_ended": 0}
    assert not is_enrolled(svc, alice.id)
    assert events("mfa.remove")[-1].detail == {"method": "totp", "assisted_by": admin.username}
    assert events("admin.action")[-1].detail["action"] == "account.remove_second_factor"
    assert "解除了两步验证" in _outbox(svc)[-1]["text"]
    again = browser.post(f"/admin/api/accounts/{alice.id}/second-factor/remove",
                         json={"reason": REASON}, headers=CSRF)
    assert again.get_json() == {"changed": False, "sessions_ended": 0}


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN, Role.DEPARTMENT_ADMIN])
def test_other_roles_are_refused_and_nothing_changes(svc, alice, console, role):
    enrol_totp(svc, alice.id, "alice")
    browser, _ = console(role, "税务局" if role is Role.DEPARTMENT_ADMIN else None)
    assert browser.post(f"/admin/accounts/{alice.id}/recovery/phone", data={
        "csrf_token": "test-csrf-token", "phone": "13900003333", "reason": REASON,
    }).status_code == 403
    assert browser.post(f"/admin/api/accounts/{alice.id}/second-factor/remove",
                        json={"reason": REASON}, headers=CSRF).status_code == 403
    assert person_claims(svc, get_person(svc, alice.id))["phone"] == "13800001111"
    assert is_enrolled(svc, alice.id) and _outbox(svc) == []


@pytest.mark.parametrize(("body", "status"), [
    ({"phone": "13900003333"}, 400),  # no reason
    ({"phone": "13900003333", "reason": "   "}, 400),
    ({"phone": "12345", "reason": REASON}, 400),
    ({"phone": "1390000333a", "reason": REASON}, 400),
])
def test_a_reason_and_a_real_phone_number_are_required(svc, alice, console, body, status):
    browser, _ = console(Role.SECURITY_ADMIN)
    response = browser.post(f"/admin/api/accounts/{alice.id}/phone", json=body, headers=CSRF)
    assert response.status_code == status and response.get_json()["error"]
    assert person_claims(svc, get_person(svc, alice.id))["phone"] == "13800001111"


def test_an_administrator_cannot_recover_their_own_account(svc, console):
    browser, admin = console(Role.SECURITY_ADMIN)
    response = browser.post(f"/admin/api/accounts/{admin.account_id}/phone",
                            json={"phone": "13900003333", "reason": REASON}, headers=CSRF)
    assert response.status_code == 400


def test_assisted_recovery_removes_the_passkeys_of_a_person_who_lost_their_devices(
    svc, alice, console, events
):
    SoftwareAuthenticator().register(svc, alice.id)  # a passkey only, no authenticator app
    browser, admin = console(Role.SECURITY_ADMIN)
    done = browser.post(f"/admin/api/accounts/{alice.id}/second-factor/remove",
                        json={"reason": REASON}, headers=CSRF)
    assert done.get_json() == {"changed": True, "sessions_ended": 0}
    assert not has_passkeys(svc, alice.id)
    assert events("mfa.remove")[-1].detail == {"method": "passkey", "count": 1,
                                               "assisted_by": admin.username}
    assert "解除了两步验证（通行密钥）" in _outbox(svc)[-1]["text"]
