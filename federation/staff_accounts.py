"""The linker of staff directories: the local staff account of a directory entry, created at
the first login and brought up to date from the mapped attributes at every login.

A staff account is federated: its username is ``<login name>@<directory>`` (a citizen's name
cannot hold "@"), its class ``staff``, its password hash unusable (the directory checks the
password), and its fields are the directory's (read-only here). Its link records the directory,
the entry's DN and stable id, the groups and the roles they map to.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from federation.contract import FederatedLogin, SourceRefused, UpstreamIdentity
from federation.models import Directory, StaffLink
from federation.staff_roles import audit_role_changes, department_of
from idp.accounts.enums import AccountClass
from idp.accounts.models import EMAIL, PHONE, Person
from idp.audit import SYSTEM_ACTOR, Actor, EventType, record
from idp.db import utcnow

if TYPE_CHECKING:
    from idp.services import Services

# Not an argon2 string: no password ever verifies against it (Django's "!" convention).
UNUSABLE_PREFIX = "!staff:"


def staff_username(login_name: str, directory: str) -> str:
    return f"{login_name.strip().lower()}@{directory}"


class StaffLinker:
    """``federation.contract.AccountLinker`` for directory entries."""

    def __init__(self, services: Services, actor: Actor = SYSTEM_ACTOR) -> None:
        self.services = services
        self.actor = actor

    def link(self, identity: UpstreamIdentity) -> FederatedLogin:
        attrs = identity.attributes
        username = staff_username(attrs.get("username", ""), identity.source)
        if len(username) > 64 or not attrs.get("username"):
            raise SourceRefused("该账号无法登录。", f"unusable login name for {identity.subject}")
        try:
            return self._link(identity, username)
        except IntegrityError:
            # Two first logins of one entry at once (two tabs, two nodes): the other created
            # the account; this one now finds and updates it.
            return self._link(identity, username)

    def _link(self, identity: UpstreamIdentity, username: str) -> FederatedLogin:
        with self.services.db.begin() as session:
            link = session.scalar(select(StaffLink).where(
                StaffLink.directory == identity.source, StaffLink.subject == identity.subject))
            roles_before = [] if link is None else list(link.roles or [])
            if link is None:
                person, link = self._create(session, identity, username)
                changed = ["created"]
            else:
                person = session.get(Person, link.account_id)
                changed = self._update(person, link, identity, username)
            if person.disabled:
                raise SourceRefused("该账号已停用。", f"staff account {person.id} disabled")
            if set(roles_before) != set(link.roles or []):
                audit_role_changes(session, self.actor, account_id=person.id,
                                   username=person.username, directory=identity.source,
                                   department=department_of(session, identity.source),
                                   before=roles_before, after=link.roles)
            if changed and changed != ["created"]:
                record(session, EventType.ACCOUNT_UPDATE, actor=self.actor,
                       account_id=person.id, username=person.username, fields=changed,
                       source=identity.source)
            return FederatedLogin(account_id=person.id, username=person.username,
                                  level=identity.level, amr=identity.amr, source=identity.source)

    def _create(self, session, identity: UpstreamIdentity, username: str):
        person = Person(username=username, account_class=AccountClass.STAFF.value,
                        password_hash=UNUSABLE_PREFIX + secrets.token_urlsafe(16),
                        name="", assurance_level=identity.level)
        self._apply(person, identity)
        session.add(person)
        session.flush()
        link = StaffLink(account_id=person.id, directory=identity.source,
                         subject=identity.subject, entry_dn=identity.attributes["entry_dn"],
                         employee_number=identity.attributes.get("employee_number"),
                         roles=_lines(identity, "roles"), groups=_lines(identity, "groups"))
        session.add(link)
        record(session, EventType.ACCOUNT_CREATE, actor=self.actor, account_id=person.id,
               username=username, account_class=AccountClass.STAFF.value,
               source=identity.source)
        return person, link

    def _update(self, person: Person, link: StaffLink, identity: UpstreamIdentity,
                username: str) -> list[str]:
        before = self._snapshot(person, link)
        person.username = username  # the entry's login name may have been changed there
        person.assurance_level = identity.level
        self._apply(person, identity)
        link.entry_dn = identity.attributes["entry_dn"]
        link.employee_number = identity.attributes.get("employee_number")
        link.roles = _lines(identity, "roles")
        link.groups = _lines(identity, "groups")
        link.synced_at = utcnow()
        after = self._snapshot(person, link)
        return sorted(k for k in after if after[k] != before[k])

    def _apply(self, person: Person, identity: UpstreamIdentity) -> None:
        attrs = identity.attributes
        cipher, index = self.services.cipher, self.services.blind_index
        person.name = (attrs.get("name") or attrs["username"])[:128]
        phone, email = attrs.get("phone"), attrs.get("email")
        # Sealed like every other phone and e-mail (keys/sealing.py); only a change re-seals.
        if phone is None or index(phone, PHONE) != person.phone_index:
            person.phone_sealed = cipher.seal(phone, PHONE) if phone else None
            person.phone_index = index(phone, PHONE) if phone else None
        if email is None or index(email.lower(), EMAIL) != person.email_index:
            person.email_sealed = cipher.seal(email, EMAIL) if email else None
            person.email_index = index(email.lower(), EMAIL) if email else None

    def _snapshot(self, person: Person, link: StaffLink) -> dict[str, object]:
        return {"username": person.username, "name": person.name, "phone": person.phone_index,
                "email": person.email_index, "assurance_level": person.assurance_level,
                "entry_dn": link.entry_dn, "employee_number": link.employee_number,
                "roles": list(link.roles),
                "groups": list(link.groups)}


def _lines(identity: UpstreamIdentity, key: str) -> list[str]:
    return [v for v in identity.attributes.get(key, "").split("\n") if v]


def staff_link(services: Services, account_id: str) -> StaffLink | None:
    with services.db.session() as session:
        return session.get(StaffLink, account_id)


def staff_claims(services: Services, account_id: str) -> dict[str, object]:
    """A staff account's directory data under claim names (``idp.claims`` scope ``staff``):
    its directory's department, employee number and groups; empty for any other account."""
    with services.db.session() as session:
        row = session.execute(
            select(StaffLink, Directory.department)
            .join(Directory, Directory.name == StaffLink.directory)
            .where(StaffLink.account_id == account_id)
        ).first()
    if row is None:
        return {}
    link, department = row
    values = {"department": department, "employee_number": link.employee_number,
              "groups": sorted(link.groups or [])}
    return {k: v for k, v in values.items() if v}
