"""Deletion requests (PIPL art. 47): the owner asked, the account waits out a grace period.

A request is one row per account. Logging in before ``purge_after`` cancels it; after that the
account is refused like an unknown user (``idp.authn.password_login``) until the erasure job
(``idp.privacy.erasure``) removes the personal data and the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, String, bindparam, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from idp.audit import Actor, EventType, record
from idp.db import Base, utcnow

if TYPE_CHECKING:
    from idp.services import Services


class AccountDeletion(Base):
    __tablename__ = "account_deletions"

    account_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    purge_after: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


_PENDING = select(AccountDeletion.requested_at, AccountDeletion.purge_after).where(
    AccountDeletion.account_id == bindparam("account_id"))


@dataclass(frozen=True)
class PendingDeletion:
    requested_at: datetime
    purge_after: datetime


def aware(moment: datetime) -> datetime:
    # SQLite gives naive datetimes back for timezone-aware columns: they are UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def schedule(session: Session, services: Services, actor: Actor, account_id: str,
             username: str, now: datetime) -> datetime:
    """Add (or renew) the request in the caller's transaction; returns ``purge_after``."""
    purge_after = now + timedelta(days=services.settings.account_deletion_grace_days)
    session.execute(delete(AccountDeletion).where(AccountDeletion.account_id == account_id))
    session.add(AccountDeletion(account_id=account_id, requested_at=now,
                                purge_after=purge_after))
    record(session, EventType.ACCOUNT_DELETION_REQUEST, actor=actor, account_id=account_id,
           username=username, purge_after=purge_after.isoformat())
    return purge_after


def pending(services: Services, account_id: str) -> PendingDeletion | None:
    # Asked at every login (idp.privacy.deletion.cancel_at_login): one prebuilt hot read.
    row = services.db.read_row(_PENDING, {"account_id": account_id})
    return PendingDeletion(aware(row.requested_at), aware(row.purge_after)) if row else None


def cancel(services: Services, actor: Actor, account_id: str, username: str,
           reason: str = "login") -> bool:
    """Withdraw the account's request, audited; False when there was none."""
    with services.db.begin() as session:
        gone = session.execute(
            delete(AccountDeletion).where(AccountDeletion.account_id == account_id)).rowcount
        if gone:
            record(session, EventType.ACCOUNT_DELETION_CANCEL, actor=actor,
                   account_id=account_id, username=username, reason=reason)
    return bool(gone)


def due(services: Services, now: datetime) -> list[str]:
    """Accounts whose grace period is over, oldest request first."""
    query = select(AccountDeletion.account_id).where(AccountDeletion.purge_after <= now) \
        .order_by(AccountDeletion.purge_after)
    with services.db.session() as session:
        return list(session.scalars(query))
