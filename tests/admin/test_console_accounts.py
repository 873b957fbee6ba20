"""Accounts in the console: search, sessions and sign-ins, unlock, force logout, revoke."""

from __future__ import annotations

from sqlalchemy import select

from admin.roles import Role
from idp.accounts import service as accounts
from idp.accounts.identity_numbers import credit_code_check_char
from idp.audit import SYSTEM_ACTOR, Actor, AuditEvent, EventType, Outcome, record
from idp.authn.lockout import Lockout, subject_for
from tests.admin.admin_helpers import new_id_number

CSRF = {"csrf_token": "test-csrf-token"}
REASON = {"reason": "本人来电申请", **CSRF}


def _names(client, query: str) -> list[str]:
    response = client.post("/admin/api/accounts/search", json={"q": query},
                           headers={"X-CSRF-Token": "test-csrf-token"})
    return [a["username"] for a in response.get_json()["accounts"]]


def test_persons_are_found_by_username_prefix_exact_name_or_whole_id_number(
    console_client, services
):
    number = new_id_number()
    person = accounts.create_person(services, SYSTEM_ACTOR, username="lisi2026",
                                    password="citizen-pass-123", name="李四", id_number=number)
    client, _ = console_client(Role.SECURITY_ADMIN)
    assert _names(client, "lisi") == [person.username]
    assert _names(client, "李四") == [person.username]
    assert _names(client, number) == [person.username]
    assert _names(client, number[:-4]) == []  # no partial ID numbers: exact, blind index only
    page = client.post("/admin/accounts", data={"q": number, **CSRF}).get_data(as_text=True)
    # The number appears only in the search box: the results never show it.
    assert "lisi2026" in page and page.count(number) == 1


def test_an_account_page_shows_live_sessions_and_recent_sign_ins(
    console_client, services, citizen
):
    services.sessions.create(account_id=citizen.id, username=citizen.username, level=2,
                             amr=["pwd"])
    with services.db.begin() as session:
        record(session, EventType.LOGIN, Outcome.FAILURE, actor=Actor("203.0.113.9", "ua"),
               account_id=citizen.id, username=citizen.username)
    client, _ = console_client(Role.SECURITY_ADMIN)
    data = client.get(f"/admin/api/accounts/{citizen.id}").get_json()
    assert len(data["sessions"]) == 1 and data["sessions"][0]["level"] == 2
    assert [(e["type"], e["outcome"], e["ip"]) for e in data["logins"]] == [
        ("login", "failure", "203.0.113.9")]
    page = client.get(f"/admin/accounts/{citizen.id}").get_data(as_text=True)
    assert "203.0.113.9" in page


def test_force_logout_ends_every_session_of_the_person(console_client, services, citizen):
    for _ in range(2):
        services.sessions.create(account_id=citizen.id, username=citizen.username, level=2,
                                 amr=["pwd"])
    client, admin = console_client(Role.SECURITY_ADMIN)
    response = client.post(f"/admin/accounts/{citizen.id}/logout", data=REASON)
    assert response.status_code == 303
    assert services.sessions.for_account(citizen.id) == []
    with services.db.session() as session:
        logouts = session.scalars(select(AuditEvent).where(
            AuditEvent.type == EventType.LOGOUT.value, AuditEvent.account_id == citizen.id)).all()
        action = session.scalars(select(AuditEvent).where(
            AuditEvent.type == EventType.ADMIN_ACTION.value,
            AuditEvent.account_id == admin.account_id)).all()[-1]
    assert len(logouts) == 2 and {e.detail["initiator"] for e in logouts} == {"admin"}
    assert action.detail["target_account"] == citizen.id
    assert action.detail["reason"] == "本人来电申请"


def test_unlock_lifts_a_lockout(console_client, services, citizen):
    lockout = Lockout(services.store, services.settings)
    subject = subject_for(citizen.id, citizen.username)
    for _ in range(services.settings.lockout_threshold):
        lockout.failure(subject, None)
    assert lockout.check(subject, None) is not None
    client, _ = console_client(Role.SECURITY_ADMIN)
    assert client.post(f"/admin/accounts/{citizen.id}/unlock", data=REASON).status_code == 303
    assert lockout.check(subject, None) is None


def test_revoking_an_agent_authorisation_ends_it(console_client, services, citizen):
    rep = accounts.create_person(services, SYSTEM_ACTOR, username="rep2026",
                                 password="citizen-pass-123", name="王五",
                                 id_number=new_id_number())
    first17 = "91330106MA2B00001"
    code = first17 + credit_code_check_char(first17)
    accounts.create_legal_person(services, SYSTEM_ACTOR, name="某某科技有限公司",
                                 credit_code=code, representative_username=rep.username)
    accounts.grant_agent(services, SYSTEM_ACTOR, credit_code=code, username=citizen.username)
    assert accounts.valid_authorisations(services, citizen.id)
    client, _ = console_client(Role.SECURITY_ADMIN)
    page = client.get(f"/admin/accounts/{citizen.id}").get_data(as_text=True)
    assert "某某科技有限公司" in page
    response = client.post(f"/admin/accounts/{citizen.id}/revoke",
                           data={**REASON, "credit_code": code})
    assert response.status_code == 303
    assert accounts.valid_authorisations(services, citizen.id) == []


def test_account_actions_need_a_reason(console_client, services, citizen):
    services.sessions.create(account_id=citizen.id, username=citizen.username, level=2,
                             amr=["pwd"])
    client, _ = console_client(Role.SECURITY_ADMIN)
    response = client.post(f"/admin/api/accounts/{citizen.id}/logout", json={},
                           headers={"X-CSRF-Token": "test-csrf-token"})
    assert response.status_code == 400 and response.get_json()["error"] == "reason_required"
    assert len(services.sessions.for_account(citizen.id)) == 1
