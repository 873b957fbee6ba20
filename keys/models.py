"""Tables of the signing keys: one row per key, one slot row per algorithm.

The slot row is the per-algorithm lock (rotation takes it FOR UPDATE) and carries the
``generation`` that every node polls to notice a rotation made elsewhere.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from idp.db import Base, utcnow


class KeyState(StrEnum):
    NEXT = "next"  # published, not yet signing
    CURRENT = "current"  # signing (one per algorithm)
    RETIRED = "retired"  # published until retired_at + the longest token lifetime


class KeySlot(Base):
    __tablename__ = "signing_key_slots"
    alg: Mapped[str] = mapped_column(String(16), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=1)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SigningKey(Base):
    __tablename__ = "signing_keys"
    kid: Mapped[str] = mapped_column(String(64), primary_key=True)  # RFC 7638 thumbprint
    alg: Mapped[str] = mapped_column(String(16), index=True)
    state: Mapped[str] = mapped_column(String(16))
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    # AES-GCM ciphertext (keys.sealing) of the PKCS#8 PEM, under the "signing" data key.
    private_key: Mapped[str] = mapped_column(Text)
    certificate: Mapped[str | None] = mapped_column(Text)  # SAML: PEM X.509 (public)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
