"""Syncing a staff directory into its staff accounts: ``idp federation sync``.

Incremental by ``modifyTimestamp`` after a first full sync; full on ``--full``, on the first
run, and after an interrupted full run. Each page of entries is one transaction: the page's
existing links are read in one SELECT, an entry whose mapped values (compared as a digest of
the values we would store) did not change is skipped, new ones are bulk-INSERTed and changed
ones bulk-UPDATEd with Core statements. A full sync disables the accounts whose entries it did
not see (a set difference of entry ids) and ends their SSO sessions through the logout path
(so OIDC back-channel and SAML logout run).

Convention for a disabled entry: the directory's user filter leaves it out (e.g.
``(&(objectClass=inetOrgPerson)(!(employeeType=disabled))))``): the login finds nobody and
the next full sync disables the account, as for a deleted entry. A sync never re-enables an
account: that is an administrator's decision.

One sync of a directory at a time across nodes: a lock in the Store with a TTL, renewed at
every page. The state (the last ``modifyTimestamp`` seen, an unfinished full run) is kept in
the Store too; an interrupted run leaves its checkpoint and the next run redoes it, skipping
the entries already written (they are unchanged).
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import IntegrityError

from federation.contract import SourceUnavailable
from federation.directories import DirectoryError, get_directory
from federation.directory_health import observe
from federation.ldap.config import LdapConfig
from federation.ldap.entries import DirectoryEntry, groups_by_member, read_entries
from federation.models import BIND_PASSWORD, StaffLink
from federation.staff_accounts import UNUSABLE_PREFIX, staff_username
from federation.staff_roles import audit_role_changes, department_of, refresh_group_roles
from idp.accounts.enums import AccountClass
from idp.accounts.models import EMAIL, PHONE, Person, new_id
from idp.audit import SYSTEM_ACTOR, Actor, EventType, record
from idp.db import utcnow
from idp.sso.logout import end_session
from idp.store import get_json, put_json

if TYPE_CHECKING:
    from idp.services import Services

log = logging.getLogger(__name__)
LOCK_TTL = 300  # seconds; renewed at every page, so only a dead node's lock runs out
STATE_TTL = 90 * 86400  # the high-water mark outlives any sensible schedule


class SyncBusy(Exception):
    """Another sync of this directory is running (on this node or another)."""


@dataclass(frozen=True)
class SyncResult:
    directory: str
    mode: str  # "full" | "incremental"
    added: int
    changed: int
    disabled: int
    unchanged: int
    skipped: int  # entries whose login name another account holds (logged, not written)
    entries: int
    seconds: float
    resumed: bool  # an interrupted full run was redone

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def sync_directory(services: Services, name: str, *, actor: Actor, full: bool = False,
                   on_page: Callable[[int], None] | None = None,
                   page_size: int | None = None) -> SyncResult:
    """Sync one directory; SyncBusy if another sync of it holds the lock, DirectoryError if
    it is unknown or disabled, SourceUnavailable if it stops answering (the checkpoint stays)."""
    row = get_directory(services, name)
    if row is None or row.disabled:
        raise DirectoryError("not_found", f"no active directory {name!r}")
    config = LdapConfig.from_row(row.config, services.cipher.open(row.bind_password_sealed,
                                                                  BIND_PASSWORD))
    lock, token = f"ldap-sync:lock:{name}", secrets.token_urlsafe(12)
    if not services.store.add(lock, token, LOCK_TTL):
        raise SyncBusy(f"a sync of {name} is already running; this one was not started")
    try:
        result = _run(services, name, config, actor, full, on_page, page_size, lock, token)
    except SourceUnavailable as exc:
        observe(services, name, answered=False, detail=exc.detail)
        raise
    else:
        observe(services, name, answered=True)
        return result
    finally:
        if services.store.get(lock) == token:
            services.store.delete(lock)


def _run(services, name, config, actor, full, on_page, page_size, lock, token) -> SyncResult:
    started = time.monotonic()
    state_key = f"ldap-sync:state:{name}"
    state = get_json(services.store, state_key) or {}
    resumed = bool(state.get("full_pending"))
    full = full or resumed or not state.get("since")
    if full:  # the checkpoint: until this run ends, the next one is full again
        put_json(services.store, state_key, {**state, "full_pending": True}, STATE_TTL)
    groups = groups_by_member(config)
    counts = {"added": 0, "changed": 0, "unchanged": 0, "skipped": 0}
    seen: set[str] = set()
    high = state.get("since")
    pages = read_entries(config, since=None if full else state.get("since"),
                         page_size=page_size)
    for number, page in enumerate(pages):
        if not services.store.swap(lock, token, token, LOCK_TTL):
            raise SyncBusy(f"the sync lock of {name} was lost; stopping")
        _write_page(services, name, config, groups, page, counts)
        seen.update(entry.subject for entry in page)
        high = max([high or "", *(e.changed for e in page if e.changed)]) or None
        if on_page is not None:
            on_page(number)
    # A group joined or left changes the group's entry, not its members': an incremental run
    # re-checks the roles, only when the mapped groups' members changed since the last run.
    roles_digest = _digest({dn: sorted(n for n in names if n in config.group_roles)
                            for dn, names in groups.items()
                            if any(n in config.group_roles for n in names)})
    if full:
        disabled = _disable_missing(services, name, seen, actor)
    else:
        disabled = 0
        if roles_digest != state.get("roles_digest"):
            counts["changed"] += refresh_group_roles(services, name, config.group_roles,
                                                     groups)
    result = SyncResult(directory=name, mode="full" if full else "incremental",
                        added=counts["added"], changed=counts["changed"], disabled=disabled,
                        unchanged=counts["unchanged"], skipped=counts["skipped"],
                        entries=len(seen),
                        seconds=round(time.monotonic() - started, 3), resumed=resumed)
    with services.db.begin() as session:
        record(session, EventType.ADMIN_ACTION, actor=actor, action="directory.sync",
               directory=name, mode=result.mode, added=result.added, changed=result.changed,
               disabled=result.disabled, resumed=resumed)
    put_json(services.store, state_key, {"since": high, "full_pending": False,
                                         "roles_digest": roles_digest,
                                         "last": {**result.as_dict(), "at": int(time.time())}},
             STATE_TTL)
    return result


def last_sync(services: Services, name: str) -> dict | None:
    """The last finished sync of a directory (its counts and ``at``, epoch seconds), if any."""
    state = get_json(services.store, f"ldap-sync:state:{name}") or {}
    return state.get("last")


def sync_running(services: Services, name: str) -> bool:
    return services.store.get(f"ldap-sync:lock:{name}") is not None


def _values(services, config: LdapConfig, groups, entry: DirectoryEntry, name: str) -> dict:
    """What an entry stores, before sealing (blind indexes stand for the phone and e-mail)."""
    attrs = entry.attributes
    cns = groups.get(entry.dn.lower(), [])
    phone, email = attrs.get("phone"), attrs.get("email")
    return {"username": staff_username(attrs.get("username", ""), name),
            "name": (attrs.get("name") or attrs.get("username", ""))[:128],
            "phone_index": services.blind_index(phone, PHONE) if phone else None,
            "email_index": services.blind_index(email.lower(), EMAIL) if email else None,
            "assurance_level": min(config.level, 2), "entry_dn": entry.dn,
            "employee_number": attrs.get("employee_number"), "groups": cns,
            "roles": sorted({config.group_roles[g] for g in cns if g in config.group_roles})}


def _digest(values: dict) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def _write_page(services, name, config, groups, page: list[DirectoryEntry], counts) -> None:
    """One transaction for the page; if a login name collides (two entries with one uid, or
    an entry renamed to another's name) the page is redone entry by entry and only the
    colliding entries are skipped, so one bad entry does not stop every later sync."""
    tried = dict(counts)
    try:
        _write(services, name, config, groups, page, counts, one_by_one=False)
    except IntegrityError:
        counts.update(tried)
        _write(services, name, config, groups, page, counts, one_by_one=True)


def _write(services, name, config, groups, page, counts, *, one_by_one: bool) -> None:
    usable = [e for e in page if e.attributes.get("username")
              and len(staff_username(e.attributes["username"], name)) <= 64]
    if not usable:
        return
    now = utcnow()
    with services.db.begin() as session:
        if session.bind.dialect.name == "postgresql":
            # psycopg prepares a statement run 5 times; PostgreSQL may then keep a generic
            # plan made while staff_links was empty (a sequential scan), and every later page
            # scans the whole table: plan each page's lookup for its own values.
            session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        rows = session.execute(
            select(StaffLink.account_id, StaffLink.subject, StaffLink.entry_dn,
                   StaffLink.employee_number, StaffLink.groups, StaffLink.roles,
                   Person.username, Person.name, Person.phone_index, Person.email_index,
                   Person.assurance_level)
            .join(Person, Person.id == StaffLink.account_id)
            .where(StaffLink.directory == name,
                   StaffLink.subject.in_([e.subject for e in usable]))).mappings().all()
        existing = {r["subject"]: r for r in rows}
        people, links, person_updates, link_updates = [], [], [], []
        role_changes: dict[str, tuple[list[str], list[str], str]] = {}
        for entry in usable:
            values = _values(services, config, groups, entry, name)
            old = existing.get(entry.subject)
            if old is None:
                account_id = new_id()
                people.append({"id": account_id, "username": values["username"],
                               "account_class": AccountClass.STAFF.value,
                               "password_hash": UNUSABLE_PREFIX + secrets.token_urlsafe(16),
                               "name": values["name"], "assurance_level":
                               values["assurance_level"], "phone_index": values["phone_index"],
                               "email_index": values["email_index"],
                               **_sealed(services, entry), "created_at": now, "updated_at": now})
                role_changes[account_id] = ([], values["roles"], values["username"])
                links.append({"account_id": account_id, "directory": name,
                              "subject": entry.subject, "entry_dn": entry.dn,
                              "employee_number": values["employee_number"],
                              "roles": values["roles"], "groups": values["groups"],
                              "synced_at": now})
                counts["added"] += 1
                continue
            before = {k: (list(old[k]) if k in ("groups", "roles") else old[k]) for k in values}
            if _digest(before) == _digest(values):
                counts["unchanged"] += 1
                continue
            account_id = old["account_id"]
            role_changes[account_id] = (list(old["roles"] or []), values["roles"],
                                        values["username"])
            person_updates.append({"id": account_id, "username": values["username"],
                                   "name": values["name"], "phone_index": values["phone_index"],
                                   "email_index": values["email_index"],
                                   **_sealed(services, entry),
                                   "assurance_level": values["assurance_level"],
                                   "updated_at": now})
            link_updates.append({"account_id": account_id, "entry_dn": entry.dn,
                                 "employee_number": values["employee_number"],
                                 "roles": values["roles"], "groups": values["groups"],
                                 "synced_at": now})
            counts["changed"] += 1
        if not one_by_one:
            if people:
                # Core executemany on the tables (insertmanyvalues: about 1,000 rows a
                # statement), not the ORM's bulk path, which adds its per-row bookkeeping.
                session.execute(insert(Person.__table__), people)
                session.execute(insert(StaffLink.__table__), links)
            if person_updates:
                session.execute(update(Person), person_updates)
                session.execute(update(StaffLink), link_updates)
            _audit_roles(session, name, role_changes)
            return
        writes = [(insert, p, lnk, "added") for p, lnk in zip(people, links, strict=True)]
        writes += [(update, p, lnk, "changed")
                   for p, lnk in zip(person_updates, link_updates, strict=True)]
        for statement, person, link, counted in writes:
            try:
                with session.begin_nested():
                    session.execute(statement(Person), [person])
                    session.execute(statement(StaffLink), [link])
                    _audit_roles(session, name, {person["id"]: role_changes[person["id"]]})
            except IntegrityError:
                log.warning("directory %s: login name %s is taken; entry skipped", name,
                            person["username"])
                counts[counted] -= 1
                counts["skipped"] += 1


def _audit_roles(session, name: str, changes: dict) -> None:
    """role.grant / role.revoke for the accounts whose group roles the page changed."""
    changed = {a: c for a, c in changes.items() if set(c[0]) != set(c[1])}
    if not changed:
        return
    department = department_of(session, name)
    for account_id, (before, after, username) in changed.items():
        audit_role_changes(session, SYSTEM_ACTOR, account_id=account_id, username=username,
                           directory=name, department=department, before=before, after=after)


def _sealed(services, entry: DirectoryEntry) -> dict:
    phone, email = entry.attributes.get("phone"), entry.attributes.get("email")
    return {"phone_sealed": services.cipher.seal(phone, PHONE) if phone else None,
            "email_sealed": services.cipher.seal(email, EMAIL) if email else None}


def _disable_missing(services, name: str, seen: set[str], actor: Actor) -> int:
    """Set difference: the directory's active accounts whose entry the full run did not see."""
    with services.db.begin() as session:
        active = session.execute(
            select(StaffLink.account_id, StaffLink.subject, Person.username)
            .join(Person, Person.id == StaffLink.account_id)
            .where(StaffLink.directory == name, Person.disabled.is_(False))).all()
        gone = [(account_id, username) for account_id, subject, username in active
                if subject not in seen]
        if gone:
            session.execute(update(Person), [{"id": a, "disabled": True, "updated_at": utcnow()}
                                             for a, _ in gone])
        for account_id, username in gone:
            record(session, EventType.ACCOUNT_UPDATE, actor=actor, account_id=account_id,
                   username=username, fields=["disabled"], source=name)
    for account_id, _ in gone:  # after the commit: a login racing the sync is refused
        for live in services.sessions.for_account(account_id):
            end_session(services, sid=live.sid, actor=actor, initiator="directory_sync")
    return len(gone)
