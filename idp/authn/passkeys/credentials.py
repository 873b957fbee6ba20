"""A person's passkeys as "my account" shows them, and their removal.

Removal asks for a fresh re-authentication (``idp.authn.reauth``), checked by the page before
calling ``remove_passkey``: a session left open on a shared computer must not be enough to
take away someone's way in, nor to hide a passkey an intruder added.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from idp.audit import Actor, EventType, record
from idp.authn.passkeys.models import Passkey
from idp.authn.security_notices import tell_account
from idp.notify import MessageKind

if TYPE_CHECKING:
    from idp.services import Services


@dataclass(frozen=True)
class PasskeyView:
    id: str
    name: str
    method: str  # "hwk" (security key) | "swk"
    transports: list[str]
    created_at: datetime
    last_used_at: datetime | None


def list_passkeys(services: Services, account_id: str) -> list[PasskeyView]:
    with services.db.session() as session:
        rows = session.scalars(select(Passkey).where(Passkey.account_id == account_id)
                               .order_by(Passkey.created_at))
        return [PasskeyView(p.id, p.name, p.method, list(p.transports or []), p.created_at,
                            p.last_used_at) for p in rows]


def remove_passkey(services: Services, account_id: str, passkey_id: str, *,
                   actor: Actor) -> bool:
    """Delete one of the account's passkeys; False when it has no such passkey."""
    with services.db.begin() as session:
        passkey = session.scalar(select(Passkey).where(
            Passkey.id == passkey_id[:36], Passkey.account_id == account_id))
        if passkey is None:
            return False
        session.delete(passkey)
        record(session, EventType.MFA_REMOVE, actor=actor, account_id=account_id,
               method="passkey", amr=passkey.method, passkey_id=passkey.id)
    tell_account(services, actor, account_id, MessageKind.SECOND_FACTOR_REMOVED)
    return True


def remove_all_passkeys(session, account_id: str) -> int:
    """Delete every passkey of the account in the caller's transaction (an administrator's
    assisted recovery); how many there were."""
    return session.execute(delete(Passkey).where(Passkey.account_id == account_id)).rowcount
