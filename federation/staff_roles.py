"""The roles a staff member holds through their directory groups (``--group-role CN=ROLE``):
set from the entry's groups at every login and sync, and each change audited as a grant or a
revocation naming the directory, so "who made this clerk a department administrator" has an
answer in the audit log like a role given with ``idp admin grant-role``.

The console reads them from the staff link at each request (``admin.access``): the role lasts
exactly as long as the group membership the last login or sync saw.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from sqlalchemy import String, cast, func, or_, select, update
from sqlalchemy.orm import Session

from federation.models import Directory, StaffLink
from idp.accounts.models import Person
from idp.audit import SYSTEM_ACTOR, Actor, EventType, record
from idp.db import utcnow

if TYPE_CHECKING:
    from idp.services import Services

# The one console role a directory group may give: a department administrator, of the
# directory's own department. The network-wide roles (system, security, audit administrator)
# are given by an administrator only: a department's directory must not mint them.
CONSOLE_ROLE = "department_admin"


def department_of(session: Session, directory: str) -> str | None:
    return session.scalar(select(Directory.department).where(Directory.name == directory))


def audit_role_changes(session: Session, actor: Actor, *, account_id: str, username: str,
                       directory: str, department: str | None, before: Iterable[str],
                       after: Iterable[str]) -> None:
    """role.grant for each role gained, role.revoke for each lost (detail: role, department,
    source = the directory)."""
    before, after = set(before or ()), set(after or ())
    for role in sorted(after - before):
        record(session, EventType.ROLE_GRANT, actor=actor, account_id=account_id,
               username=username, role=role, department=department, source=directory)
    for role in sorted(before - after):
        record(session, EventType.ROLE_REVOKE, actor=actor, account_id=account_id,
               username=username, role=role, department=department, source=directory)


def console_departments(session: Session, account_id: str) -> list[str]:
    """The departments this staff account administers through its directory groups: its
    directory's, when the link holds the console role (none for any other account)."""
    row = session.execute(
        select(StaffLink.roles, Directory.department, Directory.disabled,
               Person.disabled.label("account_disabled"))
        .join(Directory, Directory.name == StaffLink.directory)
        .join(Person, Person.id == StaffLink.account_id)
        .where(StaffLink.account_id == account_id)).first()
    if row is None or row.disabled or row.account_disabled or CONSOLE_ROLE not in (
            row.roles or []):
        return []
    return [row.department]


def refresh_group_roles(services: Services, directory: str, group_roles: Mapping[str, str],
                        members: Mapping[str, list[str]]) -> int:
    """Bring the roles of a directory's accounts up to date with its groups' members (lower-
    cased member DN -> group names); the number of accounts changed.

    An incremental sync reads the entries changed since the last one, but joining or leaving a
    group changes the group's entry, not the member's: without this, a role would follow the
    group only at the next login or full sync. Only the accounts that may hold a role are read:
    those holding one now and the members of a mapped group.
    """
    if not group_roles:
        return 0
    candidates = sorted(dn for dn, names in members.items()
                        if any(n in group_roles for n in names))
    holding = cast(StaffLink.roles, String) != "[]"
    with services.db.begin() as session:
        rows = session.execute(
            select(StaffLink.account_id, StaffLink.entry_dn, StaffLink.roles, Person.username)
            .join(Person, Person.id == StaffLink.account_id)
            .where(StaffLink.directory == directory,
                   or_(holding, func.lower(StaffLink.entry_dn).in_(candidates))
                   if candidates else holding)).all()
        department = department_of(session, directory)
        changed = 0
        for account_id, entry_dn, before, username in rows:
            names = members.get(entry_dn.lower(), [])
            after = sorted({group_roles[n] for n in names if n in group_roles})
            if set(after) == set(before or []):
                continue
            session.execute(update(StaffLink).where(StaffLink.account_id == account_id)
                            .values(roles=after, groups=names, synced_at=utcnow()))
            audit_role_changes(session, SYSTEM_ACTOR, account_id=account_id, username=username,
                               directory=directory, department=department, before=before,
                               after=after)
            changed += 1
    return changed
