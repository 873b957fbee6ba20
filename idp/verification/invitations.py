"""Agents (经办人) invited by a legal representative on the web: invite, accept or decline,
withdraw; revoking an accepted one is ``idp.accounts.service.revoke_agent``.

The authorisation itself is made on acceptance by ``idp.accounts.service.grant_agent``, the
function behind ``idp users grant-agent``, so the web and the CLI grant alike. Invitees are
real-name verified citizens found by username or phone; validity dates are calendar days in
China Standard Time (valid through the whole last day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from idp.accounts import inputs
from idp.accounts.enums import AccountClass
from idp.accounts.errors import AccountError
from idp.accounts.identity_numbers import CST
from idp.accounts.models import PHONE, LegalPerson, Person
from idp.accounts.service import grant_agent
from idp.audit import Actor, EventType, record
from idp.db import utcnow
from idp.notify import MessageKind
from idp.verification.entities import represented
from idp.verification.errors import VerificationError
from idp.verification.models import AgentInvitation
from idp.verification.notices import tell
from idp.verification.real_name import is_verified

if TYPE_CHECKING:
    from idp.services import Services

PENDING, ACCEPTED, DECLINED, WITHDRAWN = "pending", "accepted", "declined", "withdrawn"


@dataclass(frozen=True)
class Invitation:
    id: str
    legal_person: str  # name
    credit_code: str
    invitee: str  # username
    invitee_name: str
    invited_by: str  # username
    valid_from: datetime
    valid_until: datetime | None
    status: str


def first_day(moment: datetime) -> date:
    """The China Standard Time day a validity starts (SQLite gives back naive UTC times)."""
    return _cst(moment).date()


def last_day(moment: datetime) -> date:
    """The last whole day of a validity that ends at ``moment`` (exclusive)."""
    return (_cst(moment) - timedelta(seconds=1)).date()


def _cst(moment: datetime) -> datetime:
    return (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment).astimezone(CST)


def validity(start: date | None, end: date | None) -> tuple[datetime, datetime | None]:
    """(from, until) of calendar days in China Standard Time; AccountError for an end that is
    before the start or already past."""
    today = datetime.now(CST).date()
    begin = datetime.combine(start, time(), tzinfo=CST) if start and start > today else utcnow()
    until = datetime.combine(end + timedelta(days=1), time(), tzinfo=CST) if end else None
    if until is not None and (until <= begin or (start and end < start)):
        raise AccountError("invalid_validity")
    # Stored in UTC: SQLite keeps no zone, and every stored time is read back as UTC.
    return begin.astimezone(UTC), until.astimezone(UTC) if until else None


def invite(
    services: Services, actor: Actor, inviter_id: str, credit_code: str, *, who: str,
    start: date | None = None, end: date | None = None,
) -> Invitation:
    """Invite the citizen with username or phone ``who`` to be agent of the inviter's company.
    A pending invitation of the same person for the same company is replaced."""
    legal = represented(services, inviter_id, credit_code)
    begin, until = validity(start, end)
    with services.db.begin() as session:
        inviter = session.get(Person, inviter_id)
        invitee = _invitee(services, session, who)
        if invitee.id == inviter_id:
            raise VerificationError("unknown_invitee")
        for old in session.scalars(_pending(legal.id).where(
                AgentInvitation.person_id == invitee.id)):
            old.status, old.decided_at = WITHDRAWN, utcnow()
        row = AgentInvitation(legal_person_id=legal.id, person_id=invitee.id,
                              invited_by=inviter_id, valid_from=begin, valid_until=until,
                              status=PENDING, created_at=utcnow())
        session.add(row)
        session.flush()
        _audit(session, actor, inviter, "create", row)
        made = _view(row, legal, invitee, inviter)
    tell(services, actor, invitee, MessageKind.AGENT_INVITED, entity=legal.name)
    return made


def answer(
    services: Services, actor: Actor, person_id: str, invitation_id: str, *, accept: bool,
) -> Invitation:
    """The invitee accepts (the agent authorisation is granted) or declines. AccountError from
    ``grant_agent`` (e.g. the validity has passed); VerificationError ``no_invitation``."""
    with services.db.session() as session:
        row, legal, invitee, inviter = _open_invitation(session, invitation_id)
        if invitee.id != person_id:
            raise VerificationError("no_invitation")
    if accept:
        grant_agent(services, actor, credit_code=legal.credit_code, username=invitee.username,
                    valid_from=row.valid_from, valid_until=row.valid_until,
                    granted_by=inviter.username)
    with services.db.begin() as session:
        row = session.get(AgentInvitation, invitation_id)
        row.status, row.decided_at = (ACCEPTED if accept else DECLINED), utcnow()
        _audit(session, actor, invitee, "accept" if accept else "decline", row)
        done = _view(row, legal, invitee, inviter)
    tell(services, actor, inviter, MessageKind.AGENT_ANSWERED, username=invitee.username,
         answer="接受" if accept else "拒绝", entity=legal.name)
    return done


def withdraw(
    services: Services, actor: Actor, inviter_id: str, credit_code: str, invitation_id: str,
) -> None:
    """The representative takes back a pending invitation."""
    legal = represented(services, inviter_id, credit_code)
    with services.db.begin() as session:
        row = session.scalar(_pending(legal.id).where(AgentInvitation.id == invitation_id))
        if row is None:
            raise VerificationError("no_invitation")
        row.status, row.decided_at = WITHDRAWN, utcnow()
        _audit(session, actor, session.get(Person, inviter_id), "withdraw", row)


def pending_for_entity(services: Services, legal_person_id: str) -> list[Invitation]:
    return _list(services, AgentInvitation.legal_person_id == legal_person_id)


def pending_for_person(services: Services, person_id: str) -> list[Invitation]:
    """Invitations waiting for this person's answer (shown on /account: the in-app notice)."""
    return _list(services, AgentInvitation.person_id == person_id)


def _list(services: Services, where) -> list[Invitation]:
    with services.db.session() as session:
        rows = session.scalars(select(AgentInvitation).where(
            where, AgentInvitation.status == PENDING).order_by(AgentInvitation.created_at))
        return [_view(row, session.get(LegalPerson, row.legal_person_id),
                      session.get(Person, row.person_id), session.get(Person, row.invited_by))
                for row in rows]


def _pending(legal_person_id: str):
    return select(AgentInvitation).where(AgentInvitation.legal_person_id == legal_person_id,
                                         AgentInvitation.status == PENDING)


def _open_invitation(session, invitation_id: str):
    row = session.get(AgentInvitation, invitation_id[:36])
    if row is None or row.status != PENDING:
        raise VerificationError("no_invitation")
    return (row, session.get(LegalPerson, row.legal_person_id), session.get(Person, row.person_id),
            session.get(Person, row.invited_by))


def _invitee(services: Services, session, who: str) -> Person:
    # A phone may belong to several accounts (see IDP_ACCOUNTS_PER_PHONE): then ask by username.
    try:
        query = select(Person).where(
            Person.phone_index == services.blind_index(inputs.phone(who), PHONE))
    except AccountError:
        query = select(Person).where(Person.username == who.strip().lower())
    found = list(session.scalars(query.limit(2)))
    if len(found) != 1 or found[0].account_class != AccountClass.PERSON \
            or found[0].disabled or not is_verified(found[0]):
        raise VerificationError("unknown_invitee")
    return found[0]


def _audit(session, actor: Actor, who: Person, action: str, row: AgentInvitation) -> None:
    record(session, EventType.AGENT_INVITATION, actor=actor, account_id=who.id,
           username=who.username, action=action, invitation_id=row.id,
           legal_person_id=row.legal_person_id, invitee_id=row.person_id)


def _view(row: AgentInvitation, legal: LegalPerson, invitee: Person, inviter: Person) -> Invitation:
    return Invitation(row.id, legal.name, legal.credit_code, invitee.username, invitee.name,
                      inviter.username, row.valid_from, row.valid_until, row.status)
