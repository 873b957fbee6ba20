"""Admin roles and separation of duties (三员分立): the one place a role check happens.

- system administrator: relying parties, keys, settings, staff directories; reads no audit,
  changes no role;
- security administrator: accounts, lockouts, roles; registers no relying party;
- audit administrator (security officer): reads and exports the audit; changes nothing;
- department administrator: the system administrator's relying-party powers, only for the
  relying parties of their own department.

No account holds duties of two of the three separated families (a department administrator
belongs to the system family: it holds system powers). Views, the JSON API and the CLI call
``require`` (or ``authorize``) and nothing else decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from sqlalchemy import DateTime, Integer, String, UniqueConstraint, delete, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from idp.audit import SYSTEM_ACTOR, Actor, EventType, Outcome, record
from idp.db import Base, Database, utcnow


class Role(StrEnum):
    SYSTEM_ADMIN = "system_admin"
    SECURITY_ADMIN = "security_admin"
    AUDIT_ADMIN = "audit_admin"
    DEPARTMENT_ADMIN = "department_admin"


class Permission(StrEnum):
    """Every action of the console and its API."""

    RP_VIEW = "rp.view"
    RP_REGISTER = "rp.register"
    RP_EDIT = "rp.edit"
    RP_DISABLE = "rp.disable"
    RP_ROTATE_SECRET = "rp.rotate_secret"  # noqa: S105 - a permission name, not a secret
    KEYS_VIEW = "keys.view"
    KEYS_ROTATE = "keys.rotate"
    SETTINGS = "settings"
    ACCOUNTS_SEARCH = "accounts.search"
    ACCOUNTS_VIEW = "accounts.view"
    ACCOUNTS_UNLOCK = "accounts.unlock"
    ACCOUNTS_FORCE_LOGOUT = "accounts.force_logout"
    ACCOUNTS_REVOKE_AUTHORISATION = "accounts.revoke_authorisation"
    # Assisted recovery: reset the phone or remove the second factor of a person who lost
    # both, after checking their identity in person.
    ACCOUNTS_RECOVER = "accounts.recover"
    ROLES_ASSIGN = "roles.assign"
    AUDIT_READ = "audit.read"
    AUDIT_EXPORT = "audit.export"
    DASHBOARD_VIEW = "dashboard.view"
    # Staff directories (federation/): see them with their state; add, disable, test, sync.
    DIRECTORIES_VIEW = "directories.view"
    DIRECTORIES_MANAGE = "directories.manage"
    # Coarser names the console used first: aliases of a permission held by exactly the same
    # roles (so every check still goes through one table).
    CLIENT_READ = "rp.view"
    CLIENT_MANAGE = "rp.edit"
    KEY_READ = "keys.view"
    KEY_ROTATE = "keys.rotate"
    ACCOUNT_READ = "accounts.view"
    ACCOUNT_MANAGE = "accounts.unlock"
    DASHBOARD_READ = "dashboard.view"


P = Permission
_RELYING_PARTIES = frozenset({P.RP_VIEW, P.RP_REGISTER, P.RP_EDIT, P.RP_DISABLE,
                              P.RP_ROTATE_SECRET})
DUTIES: dict[Role, frozenset[Permission]] = {
    Role.SYSTEM_ADMIN: _RELYING_PARTIES | {P.KEYS_VIEW, P.KEYS_ROTATE, P.SETTINGS,
                                           P.DIRECTORIES_VIEW, P.DIRECTORIES_MANAGE},
    Role.SECURITY_ADMIN: frozenset({
        P.ACCOUNTS_SEARCH, P.ACCOUNTS_VIEW, P.ACCOUNTS_UNLOCK, P.ACCOUNTS_FORCE_LOGOUT,
        P.ACCOUNTS_REVOKE_AUTHORISATION, P.ACCOUNTS_RECOVER, P.ROLES_ASSIGN, P.DASHBOARD_VIEW,
    }),
    Role.AUDIT_ADMIN: frozenset({P.AUDIT_READ, P.AUDIT_EXPORT, P.DASHBOARD_VIEW}),
    Role.DEPARTMENT_ADMIN: _RELYING_PARTIES,  # scoped to one department, see authorize()
}
# The separated duty families: an account's roles all belong to one of them.
FAMILY = {
    Role.SYSTEM_ADMIN: "system", Role.DEPARTMENT_ADMIN: "system",
    Role.SECURITY_ADMIN: "security", Role.AUDIT_ADMIN: "audit",
}


class GrantLike(Protocol):
    @property
    def role(self) -> str: ...
    @property
    def department(self) -> str | None: ...


@dataclass(frozen=True)
class Grant:
    role: Role
    department: str | None = None


class Forbidden(Exception):
    """The admin's roles do not allow this action (the console answers 403)."""

    def __init__(self, permission: Permission, department: str | None = None) -> None:
        super().__init__(f"not allowed: {permission}"
                         + (f" in department {department}" if department else ""))
        self.permission = permission


class RoleConflict(ValueError):
    """Refused: the grant would break separation of duties, or is malformed."""


def authorize(
    grants: Iterable[GrantLike], permission: Permission, department: str | None = None
) -> bool:
    """Whether any grant allows ``permission`` (on something of ``department``, if scoped).

    A department administrator is allowed only with the department named and equal to theirs:
    an unscoped question ("may they see all relying parties?") is refused to them.
    """
    for grant in grants:
        role = Role(grant.role)
        if permission not in DUTIES[role]:
            continue
        if role is not Role.DEPARTMENT_ADMIN:
            return True
        if department is not None and department == (grant.department or None):
            return True
    return False


def require(
    grants: Iterable[GrantLike], permission: Permission, department: str | None = None
) -> None:
    if not authorize(grants, permission, department):
        raise Forbidden(permission, department)


def departments(grants: Iterable[GrantLike], permission: Permission) -> set[str] | None:
    """For listings: None if ``permission`` holds everywhere, else the departments it holds in."""
    grants = list(grants)
    if any(Role(g.role) is not Role.DEPARTMENT_ADMIN and authorize([g], permission)
           for g in grants):
        return None
    return {g.department for g in grants
            if g.department and authorize([g], permission, g.department)}


class AdminRoleGrant(Base):
    """One role of one account (keyed by account id, no foreign key: accounts live elsewhere)."""

    __tablename__ = "admin_role_grants"
    __table_args__ = (UniqueConstraint("account_id", "role", "department"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(String(36), index=True)
    role: Mapped[str] = mapped_column(String(32))
    department: Mapped[str] = mapped_column(String(64), default="")  # "" unless department admin
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    granted_by: Mapped[str | None] = mapped_column(String(36))


def grants_of(session: Session, account_id: str) -> list[Grant]:
    rows = session.scalars(select(AdminRoleGrant).where(AdminRoleGrant.account_id == account_id))
    return [Grant(Role(r.role), r.department or None) for r in rows]


def assign_role(
    db: Database, *, account_id: str, role: Role, department: str | None = None,
    actor: Actor = SYSTEM_ACTOR, granted_by: str | None = None,
) -> Grant:
    """Give ``account_id`` a role; RoleConflict (audited as a failure) if duties would mix."""
    role = Role(role)
    department = (department or "").strip() or None
    grant = Grant(role, department)
    with db.begin() as session:
        _lock_account(session, account_id)
        held = grants_of(session, account_id)
        reason = _refusal(grant, held)
        if reason is None:
            if grant not in held:
                session.add(AdminRoleGrant(account_id=account_id, role=role.value,
                                           department=department or "", granted_by=granted_by))
            record(session, EventType.ROLE_GRANT, actor=actor, account_id=account_id,
                   role=role.value, department=department, granted_by=granted_by)
            return grant
        record(session, EventType.ROLE_GRANT, Outcome.FAILURE, actor=actor,
               account_id=account_id, role=role.value, department=department,
               granted_by=granted_by, reason=reason)
    raise RoleConflict(reason)


def revoke_role(
    db: Database, *, account_id: str, role: Role, department: str | None = None,
    actor: Actor = SYSTEM_ACTOR, revoked_by: str | None = None,
) -> bool:
    """Take a role away; False if the account did not hold it. Audited either way."""
    role = Role(role)
    department = (department or "").strip() or None
    with db.begin() as session:
        removed = session.execute(delete(AdminRoleGrant).where(
            AdminRoleGrant.account_id == account_id, AdminRoleGrant.role == role.value,
            AdminRoleGrant.department == (department or ""),
        )).rowcount
        record(session, EventType.ROLE_REVOKE, Outcome.SUCCESS if removed else Outcome.FAILURE,
               actor=actor, account_id=account_id, role=role.value, department=department,
               revoked_by=revoked_by)
    return bool(removed)


def _refusal(grant: Grant, held: list[Grant]) -> str | None:
    if (grant.role is Role.DEPARTMENT_ADMIN) != (grant.department is not None):
        return "a department is given with, and only with, the department administrator role"
    others = {FAMILY[g.role] for g in held} - {FAMILY[grant.role]}
    if others:
        return (f"separation of duties: the account already holds {', '.join(sorted(others))}"
                f" duties and cannot also be {grant.role.value}")
    return None


def _lock_account(session: Session, account_id: str) -> None:
    # Two concurrent grants to one account must not both pass the separation check.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:a))"),
                        {"a": "admin-roles:" + account_id})
