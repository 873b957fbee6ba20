"""The person's data an SP may receive: one query for just those columns, and only the
attributes its policy allows are decrypted (the same values as ``person_claims``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from idp.accounts.models import EMAIL, ID_NUMBER, PHONE, Person

# released claim -> (person_claims key, column, at-rest context or None for clear text)
_SOURCES: dict[str, tuple[str, Any, str | None]] = {
    "name": ("name", Person.name, None),
    "phone_number": ("phone", Person.phone_sealed, PHONE),
    "email": ("email", Person.email_sealed, EMAIL),
    "id_card": ("id_number", Person.id_number_sealed, ID_NUMBER),
}


def claims_for(services, account_id: str, allowed: list[str]) -> dict[str, Any]:
    """``person_claims``-shaped values, limited to the claims in allowed; {} when the SP may
    receive none of them (no query) or the person is gone."""
    wanted = [_SOURCES[claim] for claim in allowed if claim in _SOURCES]
    if not wanted:
        return {}
    with services.db.engine.connect() as conn:
        row = conn.execute(select(*(column for _, column, _ in wanted))
                           .where(Person.id == account_id)).first()
    if row is None:
        return {}
    out: dict[str, Any] = {}
    for (key, _, context), value in zip(wanted, row, strict=True):
        if value is not None:
            out[key] = services.cipher.open(value, context) if context else value
    return out
