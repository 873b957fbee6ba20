"""Writing audit events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from idp.audit.events import EventType, Outcome
from idp.db import Base, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    type: Mapped[str] = mapped_column(String(48), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    account_id: Mapped[str | None] = mapped_column(String(36), index=True)
    username: Mapped[str | None] = mapped_column(String(128))
    client_id: Mapped[str | None] = mapped_column(String(128), index=True)
    ip: Mapped[str | None] = mapped_column(String(64), index=True)
    user_agent: Mapped[str | None] = mapped_column(String(256))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


@dataclass(frozen=True)
class Actor:
    """Where a request came from, as views hand it to service functions."""

    ip: str | None = None
    user_agent: str | None = None


# The CLI and background jobs act as this.
SYSTEM_ACTOR = Actor(ip=None, user_agent="idp-cli")


def record(
    session: Session,
    type: EventType,
    outcome: Outcome = Outcome.SUCCESS,
    *,
    actor: Actor | None = None,
    account_id: str | None = None,
    username: str | None = None,
    client_id: str | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add one event to the caller's transaction (it lands or rolls back with the change)."""
    actor = actor or SYSTEM_ACTOR
    event = AuditEvent(
        type=str(type), outcome=str(outcome), account_id=account_id, username=username,
        client_id=client_id, ip=actor.ip, user_agent=(actor.user_agent or "")[:256] or None,
        detail=detail,
    )
    session.add(event)
    return event

