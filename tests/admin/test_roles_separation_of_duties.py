"""No account holds two of the separated duties; every grant and refusal is audited."""

from __future__ import annotations

import pytest

from admin.roles import Grant, Role, RoleConflict, assign_role, grants_of, revoke_role
from idp.audit.query import AuditFilter, export

SEPARATED = [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN]
PAIRS = [(a, b) for a in SEPARATED for b in SEPARATED if a is not b]


def _roles(db, account_id):
    with db.session() as session:
        return grants_of(session, account_id)


@pytest.mark.parametrize(("first", "second"), PAIRS, ids=[f"{a}+{b}" for a, b in PAIRS])
def test_an_account_cannot_hold_two_separated_roles(db, first, second):
    assign_role(db, account_id="acct-1", role=first)
    with pytest.raises(RoleConflict, match="separation of duties"):
        assign_role(db, account_id="acct-1", role=second)
    assert _roles(db, "acct-1") == [Grant(first)]


@pytest.mark.parametrize("other", [Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_department_admins_hold_system_duties_so_they_cannot_also_be(db, other):
    assign_role(db, account_id="acct-2", role=Role.DEPARTMENT_ADMIN, department="tax")
    with pytest.raises(RoleConflict):
        assign_role(db, account_id="acct-2", role=other)


def test_a_department_admin_may_serve_several_departments(backend, db):
    assign_role(db, account_id="acct-3", role=Role.DEPARTMENT_ADMIN, department="tax")
    assign_role(db, account_id="acct-3", role=Role.DEPARTMENT_ADMIN, department="health")
    assign_role(db, account_id="acct-3", role=Role.DEPARTMENT_ADMIN, department="health")
    assert sorted(g.department for g in _roles(db, "acct-3")) == ["health", "tax"]


@pytest.mark.parametrize(("role", "department"), [
    (Role.DEPARTMENT_ADMIN, None), (Role.SYSTEM_ADMIN, "tax"),
])
def test_a_department_goes_with_the_department_admin_role_only(db, role, department):
    with pytest.raises(RoleConflict, match="department"):
        assign_role(db, account_id="acct-4", role=role, department=department)


def test_grants_refusals_and_revocations_are_audited(backend, db):
    assign_role(db, account_id="acct-5", role=Role.AUDIT_ADMIN, granted_by="boss")
    with pytest.raises(RoleConflict):
        assign_role(db, account_id="acct-5", role=Role.SYSTEM_ADMIN)
    assert revoke_role(db, account_id="acct-5", role=Role.AUDIT_ADMIN)
    events = [(e["type"], e["outcome"], e["detail"]["role"])
              for e in export(db, AuditFilter(account_id="acct-5"))]
    assert events == [("role.grant", "success", "audit_admin"),
                      ("role.grant", "failure", "system_admin"),
                      ("role.revoke", "success", "audit_admin")]
    assign_role(db, account_id="acct-5", role=Role.SYSTEM_ADMIN)  # free again after revoking


def test_the_cli_grants_a_role_by_username_and_refuses_a_second_duty(db, cli, settings):
    from idp.accounts.enums import AccountClass
    from idp.accounts.service import create_person
    from idp.audit import SYSTEM_ACTOR
    from idp.services import Services

    services = Services.build(settings)
    person = create_person(services, SYSTEM_ACTOR, username="secadmin",
                           password="a long Passphrase 1!", name="安全管理员",
                           account_class=AccountClass.ADMIN)
    services.db.dispose()
    result = cli("admin", "grant-role", "--username", "secadmin", "--role", "security_admin")
    assert result.exit_code == 0, result.output
    refused = cli("admin", "grant-role", "--account-id", person.id, "--role", "audit_admin")
    assert refused.exit_code == 1 and "separation of duties" in refused.output
    listed = cli("admin", "roles", "--username", "secadmin")
    assert listed.output.split() == ["security_admin", "安全管理员"]
    assert cli("admin", "grant-role", "--username", "nobody", "--role",
               "audit_admin").exit_code == 1
