"""First run in the console: the security administrator makes the other administrators and
grants their roles under the same 三员分立 rules as `idp admin grant-role`, each change audited,
and the dashboard shows a checklist until the three duties are held by three people."""

from __future__ import annotations

from sqlalchemy import select

from admin.roles import Role, grants_of
from idp.accounts.service import find_person_by_username
from idp.audit import AuditEvent, EventType

CSRF = {"csrf_token": "test-csrf-token"}
PASSWORD = "Correct-horse-42-battery"


def _create(client, username, reason="新建管理员"):
    return client.post("/admin/roles/accounts", data={
        "which": "create", "username": username, "name": "管理员", "password": PASSWORD,
        "reason": reason, **CSRF})


def _grant(client, username, role, path="grant", reason="首次分配"):
    return client.post(f"/admin/roles/{path}", data={
        "which": path, "username": username, "role": role, "reason": reason, **CSRF})


def test_the_security_administrator_makes_the_other_two_and_the_checklist_goes(
    console_client, services
):
    client, security = console_client(Role.SECURITY_ADMIN)
    board = client.get("/admin/dashboard").get_data(as_text=True)
    assert 'id="first-run"' in board and "尚无人担任" in board
    assert _create(client, "sysop").status_code == 303
    assert _create(client, "auditor").status_code == 303
    assert _grant(client, "sysop", "system_admin").status_code == 303
    assert 'id="first-run"' in client.get("/admin/dashboard").get_data(as_text=True)
    assert _grant(client, "auditor", "audit_admin").status_code == 303
    assert 'id="first-run"' not in client.get("/admin/dashboard").get_data(as_text=True)

    sysop = find_person_by_username(services, "sysop")
    assert sysop.must_change_password and sysop.account_class == "admin"
    with services.db.session() as session:
        assert [g.role for g in grants_of(session, sysop.id)] == [Role.SYSTEM_ADMIN]
        granted = session.scalars(select(AuditEvent).where(
            AuditEvent.type == EventType.ROLE_GRANT.value,
            AuditEvent.account_id == sysop.id)).all()
        actions = session.scalars(select(AuditEvent).where(
            AuditEvent.type == EventType.ADMIN_ACTION.value,
            AuditEvent.account_id == security.account_id)).all()
    assert granted and granted[0].detail["granted_by"] == security.account_id
    assert {e.detail["action"] for e in actions} >= {"admin.create", "role.grant"}
    page = client.get("/admin/roles").get_data(as_text=True)
    assert "sysop" in page and "系统管理员" in page


def test_one_person_may_not_hold_two_duties_and_the_refusal_keeps_the_form(console_client):
    client, _ = console_client(Role.SECURITY_ADMIN)
    _create(client, "both")
    assert _grant(client, "both", "system_admin").status_code == 303
    refused = _grant(client, "both", "audit_admin", reason="试图兼任")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "三员分立" in page
    assert 'value="试图兼任"' in page  # the reason typed is kept


def test_only_the_other_roles_are_granted_here_and_revoking_works(console_client, services):
    client, _ = console_client(Role.SECURITY_ADMIN)
    _create(client, "ops2")
    assert _grant(client, "ops2", "security_admin").status_code == 400
    assert _grant(client, "ops2", "audit_admin").status_code == 303
    assert _grant(client, "ops2", "audit_admin", path="revoke", reason="调岗").status_code == 303
    with services.db.session() as session:
        assert grants_of(session, find_person_by_username(services, "ops2").id) == []


def test_other_administrators_may_not_open_the_roles_page(console_client):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    assert client.get("/admin/roles").status_code == 403
    assert _create(client, "sneaky").status_code == 403
