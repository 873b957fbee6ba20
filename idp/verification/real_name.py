"""Real-name verification: a level-1 person's name and ID number confirmed by the population
register raise the account to level 2.

The sealed ID number, its blind index, the verified name, the level and the audit event are
one transaction; the blind index's unique constraint keeps a verified number on one account.
Whether a number already has an account is said only after the register confirmed the name
with it, so the page is no oracle for who has an account.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from idp.accounts import inputs
from idp.accounts.enums import AccountClass
from idp.accounts.errors import AccountError
from idp.accounts.models import ID_NUMBER, Person
from idp.accounts.service import get_person
from idp.audit import Actor, EventType, Outcome, record
from idp.sso.establish import level_after
from idp.sso.session import SsoSession
from idp.verification.errors import VerificationError
from idp.verification.factory import population_register
from idp.verification.registers import PersonVerdict, RegisterUnavailable
from idp.verification.tries import take_try

if TYPE_CHECKING:
    from idp.services import Services

VERIFIED_LEVEL = 2


def is_verified(person: Person) -> bool:
    """Verified name and ID number are read-only: nothing offers to change them."""
    return person.assurance_level >= VERIFIED_LEVEL and person.id_number_sealed is not None


def verify_real_name(
    services: Services, actor: Actor, person_id: str, *, name: str, id_number: str,
) -> Person:
    """Confirm name + ID number with the population register and raise the person to level 2.

    AccountError for a malformed name or number (audited, no try counted: the check digit
    is public, no register is asked); VerificationError ``too_many_tries``, ``not_found``,
    ``id_number_taken``, ``id_number_differs`` or ``already_verified``; RegisterUnavailable
    when the register cannot answer. Every attempt is audited (``real_name.verify``), never
    with the number or the name.
    """
    person = get_person(services, person_id)
    if person is None or person.account_class != AccountClass.PERSON:
        raise VerificationError("not_found")
    register = population_register(services)

    def refuse(reason: str, code: str | None = None) -> VerificationError:
        services.audit_batch.record(EventType.REAL_NAME_VERIFY, Outcome.FAILURE, actor=actor,
                                    account_id=person.id, username=person.username,
                                    register=register.name, reason=reason)
        return VerificationError(code or reason)

    if is_verified(person):
        raise refuse("already_verified")
    try:
        clean_name, number = inputs.person_name(name), inputs.id_number(id_number)
    except AccountError as error:
        refuse(error.code, "not_found")
        raise
    try:
        take_try(services, "person", person.id, actor.ip)
    except VerificationError:
        raise refuse("too_many_tries") from None
    index = services.blind_index(number, ID_NUMBER)
    if person.id_number_index and person.id_number_index != index:
        raise refuse("id_number_differs")
    try:
        verdict = register.check(number, clean_name)
    except RegisterUnavailable:
        refuse("unavailable")
        raise
    if verdict is not PersonVerdict.MATCH:
        raise refuse(str(verdict), "not_found")
    sealed = services.cipher.seal(number, ID_NUMBER)
    try:
        with services.db.begin() as session:
            if session.scalar(select(Person.id).where(Person.id_number_index == index,
                                                      Person.id != person.id)):
                raise IntegrityError("id_number_index", None, ValueError("taken"))
            row = session.get(Person, person.id)
            row.name, row.id_number_sealed, row.id_number_index = clean_name, sealed, index
            row.assurance_level = max(row.assurance_level, VERIFIED_LEVEL)
            record(session, EventType.REAL_NAME_VERIFY, actor=actor, account_id=row.id,
                   username=row.username, register=register.name,
                   fields=["name", "id_number", "assurance_level"])
    except IntegrityError:  # held by another account (or taken between our check and commit)
        raise refuse("id_number_taken") from None
    return row


def raise_session_level(
    services: Services, token: str, session: SsoSession, person_level: int
) -> None:
    """The current SSO session reaches the person's new level at once (L3 when it already
    holds a second factor: level 3 is level 2 plus a second factor in this session)."""
    level = level_after(person_level, list(session.amr))
    if level > session.level:
        session.level = level
        services.sessions.update(token, session)
