"""The local registers (keyed hashes only) and the agent invitations.

The registers hold HMACs under the keyring's ``register`` key (``RegisterIndex``), never a
name, ID number or representative in clear: a copy of the table reveals nothing a guess
could not already confirm with the key, which stays wrapped by the KEK.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from idp.accounts.models import new_id
from idp.db import Base, utcnow


class PopulationRecord(Base):
    """One person of the population register: HMAC(id_number), HMAC(id_number + name)."""

    __tablename__ = "population_register"
    id_number_index: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_index: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EntityRecord(Base):
    """One legal entity: HMAC(code), HMAC(code + name), HMAC(code + representative's ID)."""

    __tablename__ = "entity_register"
    credit_code_index: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_index: Mapped[str] = mapped_column(String(64))
    representative_index: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AgentInvitation(Base):
    """A representative asked a person to become agent (经办人); the grant is made on accept."""

    __tablename__ = "agent_invitations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    legal_person_id: Mapped[str] = mapped_column(ForeignKey("legal_persons.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    invited_by: Mapped[str] = mapped_column(ForeignKey("persons.id"))
    valid_from: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    valid_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
