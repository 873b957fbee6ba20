"""Writing audit events: each one is linked into the day's hash chain (``idp.audit.chain``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from idp.audit import chain, counted
from idp.audit.events import EventType, Outcome
from idp.db import Base, utcnow


class AuditEvent(Base):
    """One audit event. On PostgreSQL the table is partitioned by month on ``at`` and its
    primary key is (id, at), as a partitioned table's keys must hold the partition column
    (migration 0008); ``id`` alone is unique there too, drawn from one sequence."""

    __tablename__ = "audit_events"
    __table_args__ = (
        # The console's filters, each newest first over a time range.
        Index("ix_audit_events_account_id_at", "account_id", "at"),
        Index("ix_audit_events_ip_at", "ip", "at"),
        Index("ix_audit_events_client_id_at", "client_id", "at"),
        Index("ix_audit_events_type_outcome_at", "type", "outcome", "at"),
    )
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    type: Mapped[str] = mapped_column(String(48))
    outcome: Mapped[str] = mapped_column(String(16))
    account_id: Mapped[str | None] = mapped_column(String(36))
    username: Mapped[str | None] = mapped_column(String(128))
    client_id: Mapped[str | None] = mapped_column(String(128))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(256))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The hash chain (idp.audit.chain): which chain of the day, the link and the seal.
    lane: Mapped[int] = mapped_column(SmallInteger, default=0)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


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
    """Add one event to the caller's transaction (it lands or rolls back with the change).

    The event is chained and flushed at once; the day's chain stays locked until the caller's
    transaction ends, so call it near the end of long transactions.
    """
    event = new_event(type, outcome, actor=actor, account_id=account_id, username=username,
                      client_id=client_id, **detail)
    chain.append(session, event)
    counted.on_commit(session, event)  # /metrics: a login or token, once committed
    return event


def new_event(
    type: EventType, outcome: Outcome = Outcome.SUCCESS, *, actor: Actor | None = None,
    account_id: str | None = None, username: str | None = None, client_id: str | None = None,
    **detail: Any,
) -> AuditEvent:
    """The event ``record`` writes, stamped now, not yet chained."""
    return AuditEvent(**_columns(type, outcome, actor, account_id, username, client_id, detail))


class PendingEvent:
    """An event for the group commit (``idp.audit.group``), written with Core statements: its
    columns as plain attributes, as an ORM object's instrumentation costs more than hashing it."""

    __slots__ = ("at", "type", "outcome", "account_id", "username", "client_id", "ip",
                 "user_agent", "detail", "lane", "prev_hash", "hash")
    __table__ = AuditEvent.__table__

    def __init__(self, **columns: Any) -> None:
        for name, value in columns.items():
            setattr(self, name, value)
        self.lane, self.prev_hash, self.hash = 0, "", ""


def new_pending_event(
    type: EventType, outcome: Outcome = Outcome.SUCCESS, *, actor: Actor | None = None,
    account_id: str | None = None, username: str | None = None, client_id: str | None = None,
    **detail: Any,
) -> PendingEvent:
    """``new_event`` for the group commit."""
    return PendingEvent(**_columns(type, outcome, actor, account_id, username, client_id, detail))


def _columns(type, outcome, actor, account_id, username, client_id, detail) -> dict[str, Any]:
    actor = actor or SYSTEM_ACTOR
    # Names and ids may come straight from a request: cut to their columns (PostgreSQL refuses
    # longer text, SQLite would keep it), as the user agent always was.
    return {
        "at": utcnow(), "type": str(type), "outcome": str(outcome), "account_id": account_id,
        "username": username[:128] if username else username,
        "client_id": client_id[:128] if client_id else client_id,
        "ip": (actor.ip or "")[:64] or None, "user_agent": (actor.user_agent or "")[:256] or None,
        "detail": chain.plain_detail(detail),
    }
