"""The security administrator's console duties over administrators: make an administrator
account, grant and revoke the other roles (the same ``assign_role`` / ``revoke_role`` as
``idp admin grant-role``, so the same separation-of-duties rules), and the first-run
checklist: who holds each of the three duties (三员分立).

Every change needs a reason and is audited twice in one story: ROLE_GRANT / ROLE_REVOKE (by the
role model) and the console's ADMIN_ACTION with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from admin.access import require
from admin.errors import AdminError
from admin.principal import Admin
from admin.role_words import refusal
from admin.roles import (
    AdminRoleGrant,
    Permission,
    Role,
    RoleConflict,
    assign_role,
    revoke_role,
)
from admin.trail import need_reason, record_action
from idp.accounts import service as accounts
from idp.accounts.enums import ADMIN_LEVEL, AccountClass
from idp.accounts.errors import AccountError
from idp.accounts.models import Person
from idp.services import Services

# The security administrator hands out the other duties; a second security administrator
# is made with `idp admin grant-role` by whoever runs the server.
GRANTABLE = (Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN, Role.DEPARTMENT_ADMIN)
THREE_DUTIES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)


@dataclass(frozen=True)
class Holder:
    account_id: str
    username: str
    role: str
    department: str | None


def holders(services: Services) -> list[Holder]:
    """Every role grant with its holder's username, by username."""
    with services.db.session() as session:
        rows = session.execute(
            select(AdminRoleGrant.account_id, Person.username, AdminRoleGrant.role,
                   AdminRoleGrant.department)
            .join(Person, Person.id == AdminRoleGrant.account_id)
            .order_by(Person.username, AdminRoleGrant.role))
        return [Holder(r.account_id, r.username, r.role, r.department or None) for r in rows]


def first_run_pending(services: Services) -> dict[str, list[str]] | None:
    """{duty: usernames holding it} while the three duties are not yet held by three different
    people; None once they are (the dashboard then drops its checklist)."""
    held: dict[str, list[str]] = {role.value: [] for role in THREE_DUTIES}
    for holder in holders(services):
        if holder.role in held:
            held[holder.role].append(holder.username)
    people = {name for names in held.values() for name in names}
    if all(held.values()) and len(people) >= 3:
        return None
    return held


def create_admin(services: Services, admin: Admin, *, username: str, name: str,
                 password: str, reason: str | None) -> Person:
    """A new administrator account (level 2, must change the password at first sign-in)."""
    require(admin, Permission.ROLES_ASSIGN)
    why = need_reason(reason)
    try:
        person = accounts.create_person(
            services, admin.actor, username=username, password=password, name=name,
            account_class=AccountClass.ADMIN, assurance_level=ADMIN_LEVEL,
            must_change_password=True)
    except AccountError as exc:
        raise AdminError("bad_input", exc.description) from exc
    with services.db.begin() as session:
        record_action(session, admin, "admin.create", why, target=person.username,
                      account_id=person.id, after={"username": person.username})
    return person


def grant(services: Services, admin: Admin, *, username: str, role: str,
          department: str | None, reason: str | None) -> Person:
    require(admin, Permission.ROLES_ASSIGN)
    why, target, chosen = need_reason(reason), _admin_account(services, username), _role(role)
    try:
        assign_role(services.db, account_id=target.id, role=chosen, department=department,
                    actor=admin.actor, granted_by=admin.account_id)
    except RoleConflict as exc:
        zh, en = refusal(str(exc))
        raise AdminError("role_conflict", f"{zh}（{en}）", status=409) from exc
    with services.db.begin() as session:
        record_action(session, admin, "role.grant", why, target=target.username,
                      account_id=target.id, after={"role": chosen.value,
                                                   "department": department or None})
    return target


def revoke(services: Services, admin: Admin, *, username: str, role: str,
           department: str | None, reason: str | None) -> Person:
    require(admin, Permission.ROLES_ASSIGN)
    why, target, chosen = need_reason(reason), _admin_account(services, username), _role(role)
    if not revoke_role(services.db, account_id=target.id, role=chosen, department=department,
                       actor=admin.actor, revoked_by=admin.account_id):
        raise AdminError("not_found", status=404)
    with services.db.begin() as session:
        record_action(session, admin, "role.revoke", why, target=target.username,
                      account_id=target.id, before={"role": chosen.value,
                                                    "department": department or None})
    return target


def _role(value: str) -> Role:
    try:
        role = Role(value)
    except ValueError:
        raise AdminError("bad_input", "role") from None
    if role not in GRANTABLE:
        raise AdminError("bad_input", "role: system_admin, audit_admin or department_admin")
    return role


def _admin_account(services: Services, username: str) -> Person:
    person = accounts.find_person_by_username(services, (username or "").strip().lower())
    if person is None or person.account_class != AccountClass.ADMIN:
        raise AdminError("bad_input", "没有该管理员账号 / no administrator account by that name")
    return person
