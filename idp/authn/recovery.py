"""Recovery codes: ten single-use codes issued with a second factor, shown once.

They are random (about 49 bits each), so a fast keyed hash (HMAC-SHA256 under a data key) protects
them as well as a slow password hash would, and keeps verification cheap.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from idp.authn.models import RecoveryCode
from idp.db import utcnow

if TYPE_CHECKING:
    from idp.services import Services

COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud and typed


def _digest(services: Services, code: str) -> str:
    key = services.keyring.key("recovery-codes")[1]
    normal = "".join(c for c in code.lower() if c.isalnum())
    return hmac.new(key, normal.encode(), hashlib.sha256).hexdigest()


def new_recovery_codes(services: Services) -> list[tuple[str, str]]:
    """Ten fresh (code, digest) pairs. Made before any transaction: the first use of the
    keyed hash may create its data key, which is a write of its own."""
    pairs = []
    for _ in range(COUNT):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        code = f"{raw[:5]}-{raw[5:]}"
        pairs.append((code, _digest(services, code)))
    return pairs


def store_recovery_codes(session: Session, account_id: str, pairs: list[tuple[str, str]]) -> None:
    """Replace the account's codes with these (in the caller's transaction)."""
    delete_recovery_codes(session, account_id)
    session.add_all(RecoveryCode(account_id=account_id, digest=digest) for _, digest in pairs)


def delete_recovery_codes(session: Session, account_id: str) -> None:
    session.execute(delete(RecoveryCode).where(RecoveryCode.account_id == account_id))


def use_recovery_code(services: Services, account_id: str, code: str) -> bool:
    """Spend one unused code of the account; a second use of the same code fails."""
    digest = _digest(services, code)
    with services.db.begin() as session:
        # One conditional UPDATE: of two concurrent uses exactly one changes the row.
        result = session.execute(
            update(RecoveryCode)
            .where(RecoveryCode.account_id == account_id, RecoveryCode.digest == digest,
                   RecoveryCode.used_at.is_(None))
            .values(used_at=utcnow())
        )
        return result.rowcount == 1


def remaining_recovery_codes(services: Services, account_id: str) -> int:
    with services.db.session() as session:
        rows = session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.account_id == account_id, RecoveryCode.used_at.is_(None)
            )
        )
        return len(list(rows))
