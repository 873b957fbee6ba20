"""Data keys: random AES keys, stored only wrapped (AES-GCM) under the KEK.

Each purpose (``pii`` for personal data, ``blind-index`` for look-up hashes, ``signing`` for
private signing keys) has its own key, so re-wrapping under a new KEK touches only these rows.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import DateTime, LargeBinary, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from idp.db import Base, Database, utcnow
from keys.kek import KekError, kek_id

NONCE_BYTES = 12


class DataKey(Base):
    __tablename__ = "data_keys"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(32), unique=True)
    kek_id: Mapped[str] = mapped_column(String(16))
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def wrap(kek: bytes, key_id: str, key: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(kek).encrypt(nonce, key, key_id.encode())


def unwrap(kek: bytes, key_id: str, wrapped: bytes) -> bytes:
    try:
        return AESGCM(kek).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], key_id.encode())
    except InvalidTag as exc:
        raise KekError(
            "the key-encryption key does not open the stored data keys: "
            "IDP_KEK differs from the one this database was created with"
        ) from exc


class Keyring:
    """The unwrapped data keys of one app, loaded (or created) once per purpose."""

    def __init__(self, database: Database, kek: bytes) -> None:
        self.db = database
        self.kek = kek
        self._keys: dict[str, tuple[str, bytes]] = {}

    def key(self, purpose: str) -> tuple[str, bytes]:
        """(key id, key bytes) for purpose, creating and storing the key on first use."""
        if purpose not in self._keys:
            self._keys[purpose] = self._load_or_create(purpose)
        return self._keys[purpose]

    def check(self) -> None:
        """Fail now, with KekError, if any stored data key does not open under this KEK."""
        with self.db.session() as session:
            for row in session.scalars(select(DataKey)):
                self._keys[row.purpose] = (row.id, unwrap(self.kek, row.id, row.wrapped))

    def rewrap(self, new_kek: bytes) -> int:
        """Re-wrap every data key under new_kek in one transaction; returns how many."""
        with self.db.begin() as session:
            rows = list(session.scalars(select(DataKey)))
            for row in rows:
                row.wrapped = wrap(new_kek, row.id, unwrap(self.kek, row.id, row.wrapped))
                row.kek_id = kek_id(new_kek)
        self.kek = new_kek
        return len(rows)

    def _load_or_create(self, purpose: str) -> tuple[str, bytes]:
        with self.db.session() as session:
            row = session.scalar(select(DataKey).where(DataKey.purpose == purpose))
            if row is not None:
                return row.id, unwrap(self.kek, row.id, row.wrapped)
        key_id, key = secrets.token_hex(8), AESGCM.generate_key(256)
        try:
            with self.db.begin() as session:
                session.add(
                    DataKey(
                        id=key_id, purpose=purpose, kek_id=kek_id(self.kek),
                        wrapped=wrap(self.kek, key_id, key),
                    )
                )
        except IntegrityError:  # another node created it first: use theirs
            return self._load_or_create(purpose)
        return key_id, key
