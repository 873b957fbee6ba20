"""Each role can do exactly its duties: every role against every console action."""

from __future__ import annotations

import pytest

from admin.roles import Forbidden, Grant, Permission, Role, authorize, departments, require

P = Permission
RP = {P.RP_VIEW, P.RP_REGISTER, P.RP_EDIT, P.RP_DISABLE, P.RP_ROTATE_SECRET}
# The duties, written out independently of the module's table.
ALLOWED = {
    Role.SYSTEM_ADMIN: RP | {P.KEYS_VIEW, P.KEYS_ROTATE, P.SETTINGS,
                             P.DIRECTORIES_VIEW, P.DIRECTORIES_MANAGE},
    Role.SECURITY_ADMIN: {P.ACCOUNTS_SEARCH, P.ACCOUNTS_VIEW, P.ACCOUNTS_UNLOCK,
                          P.ACCOUNTS_FORCE_LOGOUT, P.ACCOUNTS_REVOKE_AUTHORISATION,
                          P.ACCOUNTS_RECOVER,
                          P.ROLES_ASSIGN, P.DASHBOARD_VIEW},
    Role.AUDIT_ADMIN: {P.AUDIT_READ, P.AUDIT_EXPORT, P.DASHBOARD_VIEW},
    Role.DEPARTMENT_ADMIN: RP,  # in their own department only
}
CASES = [(role, permission) for role in Role for permission in Permission]


def _grant(role: Role) -> Grant:
    return Grant(role, "tax" if role is Role.DEPARTMENT_ADMIN else None)


@pytest.mark.parametrize(("role", "permission"), CASES, ids=[f"{r}-{p}" for r, p in CASES])
def test_each_role_is_allowed_exactly_its_duties(role, permission):
    department = "tax" if role is Role.DEPARTMENT_ADMIN else None
    expected = permission in ALLOWED[role]
    assert authorize([_grant(role)], permission, department) is expected
    if expected:
        require([_grant(role)], permission, department)
    else:
        with pytest.raises(Forbidden):
            require([_grant(role)], permission, department)


@pytest.mark.parametrize("permission", sorted(RP))
def test_a_department_admin_is_refused_other_departments_and_unscoped_actions(permission):
    grants = [Grant(Role.DEPARTMENT_ADMIN, "tax")]
    assert authorize(grants, permission, "tax")
    assert not authorize(grants, permission, "health")
    assert not authorize(grants, permission)


@pytest.mark.parametrize("permission", sorted(RP))
def test_a_system_admin_acts_on_every_department(permission):
    assert authorize([Grant(Role.SYSTEM_ADMIN)], permission, "health")


def test_an_account_without_roles_may_do_nothing():
    assert not any(authorize([], p) for p in Permission)


def test_no_role_both_changes_things_and_reads_the_audit():
    readers = {r for r in Role if authorize([_grant(r)], P.AUDIT_READ)}
    assert readers == {Role.AUDIT_ADMIN}
    assert not any(authorize([Grant(Role.AUDIT_ADMIN)], p)
                   for p in (RP | {P.KEYS_ROTATE, P.SETTINGS, P.ACCOUNTS_UNLOCK, P.ROLES_ASSIGN}))


def test_listings_see_all_departments_or_only_their_own():
    assert departments([Grant(Role.SYSTEM_ADMIN)], P.RP_VIEW) is None
    dept = [Grant(Role.DEPARTMENT_ADMIN, "tax"), Grant(Role.DEPARTMENT_ADMIN, "health")]
    assert departments(dept, P.RP_VIEW) == {"tax", "health"}
    assert departments([Grant(Role.AUDIT_ADMIN)], P.RP_VIEW) == set()


def test_the_consoles_coarse_names_mean_the_same_roles():
    assert P.CLIENT_MANAGE is P.RP_EDIT and P.KEY_READ is P.KEYS_VIEW
    assert P.ACCOUNT_MANAGE is P.ACCOUNTS_UNLOCK and P.DASHBOARD_READ is P.DASHBOARD_VIEW
