"""The key life cycle as transactions: first keys, rotation, removal of expired retired keys.

next (published, not signing) -> current (signing) -> retired (published until every token it
signed has expired) -> removed. Every change takes the algorithm's slot row FOR UPDATE (SQLite:
BEGIN IMMEDIATE) and bumps its generation, which other nodes poll.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from idp.audit import Actor, EventType, record
from idp.db import Database
from keys.algorithms import SAML, PrivateKey, generate, jose_key, public_jwk, to_pem
from keys.certificates import self_signed
from keys.models import KeySlot, KeyState, SigningKey
from keys.sealing import FieldCipher


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def seal_context(kid: str) -> str:
    # Bound into the AES-GCM tag: a ciphertext copied onto another key's row does not open.
    return f"signing_keys.private_key:{kid}"


@dataclass(frozen=True)
class NewKey:
    """A generated or imported key, made outside the transaction (RSA generation is slow)."""

    key: PrivateKey
    certificate: str | None = None


@dataclass(frozen=True)
class Rotation:
    alg: str
    current: str
    next: str
    retired: str | None
    next_published_seconds: float  # how long the promoted key was published before signing


class Lifecycle:
    def __init__(self, db: Database, cipher: FieldCipher, issuer: str, rsa_bits: int) -> None:
        self.db = db
        self.cipher = cipher
        self.issuer = issuer
        self.rsa_bits = rsa_bits

    def make(self, alg: str, now: datetime) -> NewKey:
        key = generate(alg, self.rsa_bits)
        return NewKey(key, self_signed(key, self.issuer, now) if alg == SAML else None)

    def ensure(self, alg: str, now: datetime) -> bool:
        """Create alg's first current and next keys unless they exist; True if this call did."""
        with self.db.session() as session:
            if session.get(KeySlot, alg) is not None:
                return False
        current, upcoming = self.make(alg, now), self.make(alg, now)
        try:
            with self.db.begin() as session:
                if session.get(KeySlot, alg, with_for_update=True) is not None:
                    return False  # another node won the race
                session.add(KeySlot(alg=alg, generation=1, changed_at=now))
                self._add(session, alg, current, KeyState.CURRENT, now)
                self._add(session, alg, upcoming, KeyState.NEXT, now)
        except IntegrityError:  # PostgreSQL: a concurrent insert of the slot committed first
            return False
        return True

    def rotate(
        self, alg: str, now: datetime, actor: Actor | None = None, *,
        reason: str = "manual", due_before: datetime | None = None,
        incoming: NewKey | None = None,
    ) -> Rotation | None:
        """next -> current, current -> retired, a new next; one transaction, audited.

        ``due_before``: rotate only if the current key was activated before it (the schedule;
        re-checked under the lock so that of racing nodes exactly one rotates). ``incoming``
        is the new next key (default: a generated one).
        """
        self.ensure(alg, now)
        incoming = incoming or self.make(alg, now)
        spare = None if self._has_next(alg) else self.make(alg, now)
        with self.db.begin() as session:
            slot, current, upcoming = self._lock(session, alg)
            if due_before is not None and current is not None and (
                    aware(current.activated_at) or now) > due_before:
                return None
            if upcoming is None:  # never left so by us; heal rather than fail
                upcoming = self._add(session, alg, spare or self.make(alg, now),
                                     KeyState.NEXT, now)
            published = (now - aware(upcoming.created_at)).total_seconds()
            if current is not None:
                current.state, current.retired_at = KeyState.RETIRED, now
            upcoming.state, upcoming.activated_at = KeyState.CURRENT, now
            new = self._add(session, alg, incoming, KeyState.NEXT, now)
            result = Rotation(alg, upcoming.kid, new.kid, current.kid if current else None,
                              published)
            self._changed(session, slot, result, now, actor, reason)
        return result

    def replace_next(self, alg: str, incoming: NewKey, now: datetime,
                     actor: Actor | None = None) -> Rotation:
        """Make incoming (an imported key) the next key, dropping the generated one."""
        self.ensure(alg, now)
        with self.db.begin() as session:
            slot, current, upcoming = self._lock(session, alg)
            if upcoming is not None:
                session.delete(upcoming)  # it never signed: no token depends on it
                session.flush()
            new = self._add(session, alg, incoming, KeyState.NEXT, now)
            result = Rotation(alg, current.kid if current else "", new.kid, None, 0.0)
            self._changed(session, slot, result, now, actor, "import")
        return result

    def remove_expired(self, now: datetime, lifetime: timedelta) -> list[str]:
        """Delete retired keys whose tokens have all expired; returns their kids."""
        cutoff = now - lifetime
        with self.db.begin() as session:
            expired = list(session.scalars(select(SigningKey).where(
                SigningKey.state == KeyState.RETIRED, SigningKey.retired_at <= cutoff)))
            if not expired:
                return []
            kids = [row.kid for row in expired]
            session.execute(delete(SigningKey).where(SigningKey.kid.in_(kids)))
            for alg in {row.alg for row in expired}:
                slot = session.get(KeySlot, alg, with_for_update=True)
                slot.generation += 1
                slot.changed_at = now
                record(session, EventType.KEY_ROTATE, alg=alg, reason="expired",
                       removed_kids=[r.kid for r in expired if r.alg == alg])
        return kids

    def _has_next(self, alg: str) -> bool:
        with self.db.session() as session:
            return session.scalar(select(SigningKey.kid).where(
                SigningKey.alg == alg, SigningKey.state == KeyState.NEXT)) is not None

    @staticmethod
    def _lock(session: Session, alg: str):
        """alg's slot row, taken FOR UPDATE, and its current and next keys."""
        slot = session.get(KeySlot, alg, with_for_update=True)
        rows = {row.state: row for row in session.scalars(select(SigningKey).where(
            SigningKey.alg == alg, SigningKey.state != KeyState.RETIRED))}
        return slot, rows.get(KeyState.CURRENT), rows.get(KeyState.NEXT)

    @staticmethod
    def _changed(session: Session, slot: KeySlot, result: Rotation, now: datetime,
                 actor: Actor | None, reason: str) -> None:
        slot.generation += 1  # what other nodes poll (keys.signing)
        slot.changed_at = now
        record(session, EventType.KEY_ROTATE, actor=actor, alg=result.alg, reason=reason,
               current_kid=result.current, next_kid=result.next, retired_kid=result.retired)

    def _add(self, session: Session, alg: str, new: NewKey, state: KeyState,
             now: datetime) -> SigningKey:
        jose = jose_key(alg, new.key)
        kid = jose.kid or jose.thumbprint()
        row = SigningKey(
            kid=kid, alg=alg, state=state, public_jwk=public_jwk(jose),
            private_key=self.cipher.seal(to_pem(new.key), seal_context(kid)),
            certificate=new.certificate, created_at=now,
            activated_at=now if state == KeyState.CURRENT else None,
        )
        session.add(row)
        return row
