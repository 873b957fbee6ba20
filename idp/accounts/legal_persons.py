"""Legal persons (法人) and the authorisations that let persons act for them.

A legal person never logs in: its representative (法定代表人) or an agent (经办人) does, and
acts for it while an authorisation is valid: not revoked, inside its validity period, and the
legal person active.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from idp.accounts import inputs
from idp.accounts.enums import AccountClass, AuthorisationRole, LegalPersonStatus
from idp.accounts.errors import AccountError
from idp.accounts.models import Authorisation, LegalPerson, Person
from idp.audit import Actor, EventType, record
from idp.db import utcnow

if TYPE_CHECKING:
    from idp.services import Services


def create_legal_person(
    services: Services, actor: Actor, *, name: str, credit_code: str,
    representative_username: str, granted_by: str = "system",
) -> LegalPerson:
    """Register a legal person and, in the same transaction, its representative's
    authorisation. AccountError for a bad name or code, a duplicate code, or a representative
    who is not a registered citizen."""
    clean_name = inputs.person_name(name, limit=200)
    code = inputs.credit_code(credit_code)
    try:
        with services.db.begin() as session:
            person = _citizen(session, representative_username, "unknown_representative")
            if session.scalar(select(LegalPerson.id).where(LegalPerson.credit_code == code)):
                raise AccountError("duplicate_credit_code")
            legal = LegalPerson(name=clean_name, credit_code=code,
                                status=LegalPersonStatus.ACTIVE.value)
            session.add(legal)
            session.flush()
            record(session, EventType.LEGAL_PERSON_CREATE, actor=actor,
                   legal_person_id=legal.id, fields=["name", "credit_code", "representative"])
            _grant(session, actor, legal, person, AuthorisationRole.REPRESENTATIVE,
                   granted_by=granted_by, valid_from=utcnow(), valid_until=None)
    except IntegrityError:  # lost a race to register the same code
        raise AccountError("duplicate_credit_code") from None
    return legal


def grant_agent(
    services: Services, actor: Actor, *, credit_code: str, username: str,
    valid_until: datetime | None = None, granted_by: str = "system",
    valid_from: datetime | None = None,
) -> Authorisation:
    """Authorise a citizen as agent (经办人) of an active legal person, optionally until a time
    (aware datetimes; naive ones are taken as UTC)."""
    code = inputs.credit_code(credit_code)
    start = _utc(valid_from) if valid_from else utcnow()
    end = _utc(valid_until) if valid_until else None
    if end is not None and end <= utcnow():
        # Same code, clearer words: "--valid-until 2020-01-01" is a date already gone.
        raise AccountError("invalid_validity", "授权有效期已过：截止日期早于现在 / "
                           "The validity period ends in the past")
    if end is not None and end <= start:
        raise AccountError("invalid_validity")
    with services.db.begin() as session:
        legal = _legal_person(session, code)
        if legal.status != LegalPersonStatus.ACTIVE:
            raise AccountError("legal_person_inactive")
        person = _citizen(session, username, "unknown_person")
        if _open_agent_grants(session, legal, person, at=utcnow()):
            raise AccountError("already_authorised")
        return _grant(session, actor, legal, person, AuthorisationRole.AGENT,
                      granted_by=granted_by, valid_from=start, valid_until=end)


def revoke_agent(
    services: Services, actor: Actor, *, credit_code: str, username: str,
    revoked_by: str = "system",
) -> int:
    """Revoke every unrevoked agent authorisation of username for the legal person; returns how
    many. AccountError ``no_authorisation`` when there was none."""
    code = inputs.credit_code(credit_code)
    with services.db.begin() as session:
        legal = _legal_person(session, code)
        person = _citizen(session, username, "unknown_person", enabled=False)
        grants = _open_agent_grants(session, legal, person, at=None)
        if not grants:
            raise AccountError("no_authorisation")
        now = utcnow()
        for grant in grants:
            grant.revoked_at, grant.revoked_by = now, revoked_by
            record(session, EventType.AUTHORISATION_REVOKE, actor=actor, account_id=person.id,
                   username=person.username, authorisation_id=grant.id,
                   legal_person_id=legal.id, role=grant.role, fields=["revoked_at", "revoked_by"])
        return len(grants)


def valid_authorisations(
    services: Services, person_id: str, at: datetime | None = None
) -> list[tuple[Authorisation, LegalPerson]]:
    """The legal persons this person may act for at ``at`` (default now), with the grant."""
    moment = _utc(at) if at else utcnow()
    query = (
        select(Authorisation, LegalPerson)
        .join(LegalPerson, Authorisation.legal_person_id == LegalPerson.id)
        .where(
            Authorisation.person_id == person_id,
            Authorisation.revoked_at.is_(None),
            Authorisation.valid_from <= moment,
            or_(Authorisation.valid_until.is_(None), Authorisation.valid_until > moment),
            LegalPerson.status == LegalPersonStatus.ACTIVE.value,
        )
        .order_by(LegalPerson.name, Authorisation.role)
    )
    with services.db.session() as session:
        return [(grant, legal) for grant, legal in session.execute(query)]


def find_legal_person(services: Services, credit_code: str) -> LegalPerson | None:
    """The legal person with a credit code; None for an unknown or malformed one."""
    try:
        code = inputs.credit_code(credit_code)
    except AccountError:
        return None
    with services.db.session() as session:
        return session.scalar(select(LegalPerson).where(LegalPerson.credit_code == code))


def _grant(
    session: Session, actor: Actor, legal: LegalPerson, person: Person, role: AuthorisationRole,
    *, granted_by: str, valid_from: datetime, valid_until: datetime | None,
) -> Authorisation:
    grant = Authorisation(
        person_id=person.id, legal_person_id=legal.id, role=role.value, valid_from=valid_from,
        valid_until=valid_until, granted_by=granted_by[:64], granted_at=utcnow(),
    )
    session.add(grant)
    session.flush()
    fields = ["person", "legal_person", "role", "valid_from"]
    record(session, EventType.AUTHORISATION_GRANT, actor=actor, account_id=person.id,
           username=person.username, authorisation_id=grant.id, legal_person_id=legal.id,
           role=role.value, fields=fields + (["valid_until"] if valid_until else []))
    return grant


def _citizen(session: Session, username: str, error: str, *, enabled: bool = True) -> Person:
    # New grants need an enabled citizen; revoking works on a disabled account too.
    person = session.scalar(select(Person).where(Person.username == username.strip().lower()))
    if person is None or person.account_class != AccountClass.PERSON:
        raise AccountError(error)
    if enabled and person.disabled:
        raise AccountError(error)
    return person


def _legal_person(session: Session, code: str) -> LegalPerson:
    legal = session.scalar(select(LegalPerson).where(LegalPerson.credit_code == code))
    if legal is None:
        raise AccountError("unknown_legal_person")
    return legal


def _open_agent_grants(
    session: Session, legal: LegalPerson, person: Person, at: datetime | None
) -> list[Authorisation]:
    # Unrevoked agent grants; with `at`, only those not yet expired by then.
    query = select(Authorisation).where(
        Authorisation.person_id == person.id,
        Authorisation.legal_person_id == legal.id,
        Authorisation.role == AuthorisationRole.AGENT.value,
        Authorisation.revoked_at.is_(None),
    )
    if at is not None:
        query = query.where(
            or_(Authorisation.valid_until.is_(None), Authorisation.valid_until > at)
        )
    return list(session.scalars(query))


def _utc(moment: datetime) -> datetime:
    # SQLite keeps no zone: every stored time is UTC, so comparisons hold on both databases.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
