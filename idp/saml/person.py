"""The person's data an SP may receive: one query for just those columns, and only the
attributes its policy allows are decrypted (the same values as ``person_claims``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, select

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
    names = tuple(claim for claim in allowed if claim in _SOURCES)
    if not names:
        return {}
    wanted = [_SOURCES[claim] for claim in names]
    with services.db.engine.connect() as conn:
        row = conn.execute(_query(names), {"account_id": account_id}).first()
    if row is None:
        return {}
    out: dict[str, Any] = {}
    for (key, _, context), value in zip(wanted, row, strict=True):
        if value is not None:
            out[key] = services.cipher.open(value, context) if context else value
    return out


@lru_cache(maxsize=64)
def _query(names: tuple[str, ...]):
    """The SELECT for one SP policy's columns, built once (building it costs more than the
    SQLite lookup itself)."""
    return select(*(_SOURCES[name][1] for name in names)).where(
        Person.id == bindparam("account_id"))
