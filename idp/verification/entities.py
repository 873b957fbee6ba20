"""A level-2 person registers a company online and becomes its legal representative
(法定代表人), only when the legal-entity register names their ID number as the representative.

The legal person and the representative's authorisation are made by
``idp.accounts.service.create_legal_person``, the function the CLI's ``add-legal-person`` uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from idp.accounts import inputs
from idp.accounts.enums import AuthorisationRole
from idp.accounts.errors import AccountError
from idp.accounts.models import ID_NUMBER, Authorisation, LegalPerson, Person
from idp.accounts.service import (
    create_legal_person,
    find_legal_person,
    find_person_by_username,
    get_person,
    revoke_agent,
)
from idp.accounts.service import valid_authorisations as authorisations_now
from idp.audit import Actor, EventType, Outcome
from idp.notify import MessageKind
from idp.verification.errors import VerificationError
from idp.verification.factory import entity_register
from idp.verification.notices import tell
from idp.verification.real_name import is_verified
from idp.verification.registers import EntityVerdict, RegisterUnavailable
from idp.verification.tries import take_try

if TYPE_CHECKING:
    from idp.services import Services


def register_entity(
    services: Services, actor: Actor, person_id: str, *, credit_code: str, name: str,
) -> LegalPerson:
    """Register the company with the person as its representative. AccountError for a
    malformed code or name; VerificationError ``level_required``, ``entity_registered``,
    ``too_many_tries``, ``entity_not_found`` or ``not_representative``; RegisterUnavailable."""
    code = inputs.credit_code(credit_code)
    clean_name = inputs.person_name(name, limit=200)
    person = get_person(services, person_id)
    if person is None or not is_verified(person):
        raise VerificationError("level_required")
    if find_legal_person(services, code) is not None:
        raise VerificationError("entity_registered")
    register = entity_register(services)

    def refuse(reason: str, error: str) -> VerificationError:
        services.audit_batch.record(EventType.ENTITY_VERIFY, Outcome.FAILURE, actor=actor,
                                    account_id=person.id, username=person.username,
                                    register=register.name, credit_code=code, reason=reason)
        return VerificationError(error)

    try:
        take_try(services, "entity", person.id, actor.ip)
    except VerificationError:
        raise refuse("too_many_tries", "too_many_tries") from None
    id_number = services.cipher.open(person.id_number_sealed, ID_NUMBER)
    try:
        verdict = register.check(code, clean_name, id_number)
    except RegisterUnavailable:
        refuse("unavailable", "unavailable")
        raise
    if verdict is EntityVerdict.NOT_REPRESENTATIVE:
        raise refuse(str(verdict), "not_representative")
    if verdict is not EntityVerdict.MATCH:
        raise refuse(str(verdict), "entity_not_found")
    services.audit_batch.record(EventType.ENTITY_VERIFY, actor=actor, account_id=person.id,
                                username=person.username, register=register.name,
                                credit_code=code)
    return create_legal_person(services, actor, name=clean_name, credit_code=code,
                               representative_username=person.username,
                               granted_by=person.username)


def represented(services: Services, person_id: str, credit_code: str) -> LegalPerson:
    """The legal person the person represents now; VerificationError ``not_your_entity``."""
    try:
        credit_code = inputs.credit_code(credit_code)
    except AccountError:
        raise VerificationError("not_your_entity") from None
    for grant, legal in authorisations_now(services, person_id):
        if grant.role == AuthorisationRole.REPRESENTATIVE and legal.credit_code == credit_code:
            return legal
    raise VerificationError("not_your_entity")


def agents_of(services: Services, legal_person_id: str) -> list[tuple[Authorisation, Person]]:
    """The unrevoked agent authorisations of a legal person, with their persons."""
    query = (
        select(Authorisation, Person).join(Person, Authorisation.person_id == Person.id)
        .where(Authorisation.legal_person_id == legal_person_id,
               Authorisation.role == AuthorisationRole.AGENT.value,
               Authorisation.revoked_at.is_(None))
        .order_by(Authorisation.granted_at)
    )
    with services.db.session() as session:
        return [(grant, person) for grant, person in session.execute(query)]


def revoke_agent_now(
    services: Services, actor: Actor, *, credit_code: str, username: str, revoked_by: str,
) -> int:
    """``revoke_agent`` (AccountError as it raises), then the agent's live SSO sessions stop
    acting for the legal person at once: no later token or assertion carries it. The web page
    and ``idp users revoke-agent`` both call this."""
    count = revoke_agent(services, actor, credit_code=credit_code, username=username,
                         revoked_by=revoked_by)
    person = find_person_by_username(services, username)
    legal = find_legal_person(services, credit_code)
    if person is not None and legal is not None:
        services.sessions.stop_acting_for(person.id, legal.id)
        tell(services, actor, person, MessageKind.AGENT_REVOKED, entity=legal.name)
    return count
