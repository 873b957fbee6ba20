"""The claims a client receives about its user, through ``idp.claims.release``."""

from __future__ import annotations

from typing import Any

from federation.staff_accounts import staff_claims
from idp.accounts.enums import AccountClass
from idp.accounts.service import claims_row, person_claims
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
    person = claims_row(services, user.account_id)
    if person is not None and not person.disabled:
        values.update(person_claims(services, person))
        values.update(
            username=person.username,
            updated_at=int(person.updated_at.timestamp()) if person.updated_at else None,
        )
        if person.account_class == AccountClass.STAFF:
            values.update(staff_claims(services, user.account_id))
    return release(values, user.acting_for, scope, client.allowed_claims, requested)

