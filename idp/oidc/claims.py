"""The claims a client receives about its user, through ``idp.claims.release``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select

from idp.accounts.models import Person
from idp.accounts.service import person_claims
from idp.claims import release
from idp.oidc.end_user import EndUser, subject
from idp.services import Services


def released(
    services: Services, client: Any, user: EndUser, scope: str,
    requested: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """sub, acr and what the scopes (and the `claims` parameter) ask for, within the client's
    policy; only sub and acr when the account is gone or disabled."""
    values: dict[str, Any] = {"sub": subject(services, client, user.account_id), "acr": user.acr}
    with services.db.engine.connect() as conn:
        person = conn.execute(_PERSON, {"account_id": user.account_id}).first()
    if person is not None and not person.disabled:
        values.update(person_claims(services, person))
        values.update(
            username=person.username,
            updated_at=int(person.updated_at.timestamp()) if person.updated_at else None,
        )
    return release(values, user.acting_for, scope, client.allowed_claims, requested)


# Just the columns read above and by person_claims (which only reads attributes, so a row
# serves as well as a Person), in a statement built once: loading the whole ORM object
# (session, identity map) cost more than the query on every UserInfo call.
_PERSON = select(
    Person.disabled, Person.username, Person.updated_at, Person.name, Person.id_number_sealed,
    Person.phone_sealed, Person.email_sealed, Person.address_sealed,
).where(Person.id == bindparam("account_id"))
