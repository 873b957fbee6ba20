"""Console operations on persons: search, look at one, unlock, force logout, revoke an agent.

Search never scans sealed columns: an ID number is found only through its blind index
(exact match), usernames by prefix, names exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select

from admin.access import require
from admin.errors import AdminError
from admin.principal import Admin
from admin.roles import Permission
from admin.trail import need_reason, record_action
from idp.accounts import service as accounts
from idp.accounts.errors import AccountError
from idp.accounts.models import Person
from idp.audit import EventType
from idp.audit.record import AuditEvent
from idp.authn.lockout import Block, Lockout, subject_for, unlock
from idp.services import Services
from idp.sso.logout import end_session
from idp.sso.session import SsoSession

SEARCH_LIMIT = 50
RECENT_LOGINS = 20
_ID_NUMBER = re.compile(r"^[0-9]{17}[0-9Xx]$")  # ASCII digits only: \d also matches other scripts


@dataclass
class PersonOverview:
    person: Person
    sessions: list[SsoSession]
    logins: list[AuditEvent]
    authorisations: list[tuple[Any, Any]]  # (Authorisation, LegalPerson)
    block: Block | None
    extra: dict[str, Any] = field(default_factory=dict)


def search_persons(services: Services, admin: Admin, query: str) -> list[Person]:
    """Persons by ID number (exact, blind index), username prefix, or exact name."""
    require(admin, Permission.ACCOUNTS_SEARCH)
    text = (query or "").strip()[:64]
    if not text:
        return []
    if _ID_NUMBER.match(text):
        person = accounts.find_person_by_id_number(services, text)
        return [person] if person else []
    prefix = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    stmt = (
        select(Person)
        .where(or_(Person.username.like(prefix + "%", escape="\\"), Person.name == text))
        .order_by(Person.username)
        .limit(SEARCH_LIMIT)
    )
    with services.db.session() as session:
        return list(session.scalars(stmt))


def overview(services: Services, admin: Admin, person_id: str) -> PersonOverview:
    require(admin, Permission.ACCOUNTS_VIEW)
    person = accounts.get_person(services, person_id)
    if person is None:
        raise AdminError("not_found", status=404)
    logins = select(AuditEvent).where(
        AuditEvent.account_id == person_id,
        AuditEvent.type.in_([EventType.LOGIN.value, EventType.LOGIN_MFA.value]),
    ).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(RECENT_LOGINS)
    with services.db.session() as session:
        recent = list(session.scalars(logins))
    block = Lockout(services.store, services.settings).check(subject_for(person_id, ""), None)
    return PersonOverview(
        person=person, sessions=services.sessions.for_account(person_id), logins=recent,
        authorisations=accounts.valid_authorisations(services, person_id), block=block,
    )


def _person(services: Services, person_id: str) -> Person:
    person = accounts.get_person(services, person_id)
    if person is None:
        raise AdminError("not_found", status=404)
    return person


def unlock_account(services: Services, admin: Admin, person_id: str, reason: str | None) -> None:
    why = need_reason(reason)
    require(admin, Permission.ACCOUNTS_UNLOCK)
    person = _person(services, person_id)
    unlock(services, person.id, admin.actor)
    with services.db.begin() as session:
        record_action(session, admin, "account.unlock", why, target=person.username,
                      account_id=person.id)


def force_logout(services: Services, admin: Admin, person_id: str, reason: str | None) -> int:
    """End every SSO session of the person (relying parties are told); how many ended."""
    why = need_reason(reason)
    require(admin, Permission.ACCOUNTS_FORCE_LOGOUT)
    person = _person(services, person_id)
    ended = 0
    for live in services.sessions.for_account(person.id):
        ended += end_session(services, sid=live.sid, actor=admin.actor,
                             initiator="admin") is not None
    with services.db.begin() as session:
        record_action(session, admin, "account.force_logout", why, target=person.username,
                      account_id=person.id, before={"sessions": ended}, after={"sessions": 0})
    return ended


def revoke_authorisation(
    services: Services, admin: Admin, person_id: str, credit_code: str, reason: str | None
) -> int:
    """Revoke the person's agent authorisation for a legal person; how many grants ended."""
    why = need_reason(reason)
    require(admin, Permission.ACCOUNTS_REVOKE_AUTHORISATION)
    person = _person(services, person_id)
    try:
        count = accounts.revoke_agent(services, admin.actor, credit_code=credit_code,
                                      username=person.username, revoked_by=admin.username)
    except AccountError as exc:
        raise AdminError("bad_input", getattr(exc, "description", None) or str(exc)) from exc
    with services.db.begin() as session:
        record_action(session, admin, "account.revoke_authorisation", why,
                      target=f"{person.username}@{credit_code}", account_id=person.id,
                      before={"authorised": True}, after={"authorised": False, "grants": count})
    return count
