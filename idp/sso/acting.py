"""Acting for a legal person (法人办事): the entity the person chose, kept in the SSO session.

Only an authorisation valid now is offered or accepted (``valid_authorisations``); the choice
is audited as SESSION_ACT_AS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from idp.accounts.service import valid_authorisations
from idp.audit import Actor, EventType, record
from idp.sso.session import SsoSession

if TYPE_CHECKING:
    from idp.services import Services


@dataclass(frozen=True)
class Entity:
    authorisation_id: str
    id: str
    name: str
    credit_code: str
    role: str  # "representative" | "agent"

    def as_acting_for(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "credit_code": self.credit_code,
                "role": self.role}


def entities_for(services: Services, person_id: str) -> list[Entity]:
    """The legal persons the person may act for now."""
    return [
        Entity(grant.id, legal.id, legal.name, legal.credit_code, grant.role)
        for grant, legal in valid_authorisations(services, person_id)
    ]


def act_for(
    services: Services, token: str, session: SsoSession, authorisation_id: str, *, actor: Actor,
    client_id: str | None = None,
) -> Entity | None:
    """Put the chosen entity in the session; None when the choice is not a valid grant."""
    chosen = next(
        (e for e in entities_for(services, session.account_id)
         if e.authorisation_id == authorisation_id),
        None,
    )
    if chosen is None:
        return None
    session.acting_for = chosen.as_acting_for()
    services.sessions.update(token, session)
    with services.db.begin() as db:
        record(db, EventType.SESSION_ACT_AS, actor=actor, account_id=session.account_id,
               username=session.username, client_id=client_id, legal_person_id=chosen.id,
               role=chosen.role, sid=session.sid)
    return chosen
