"""Consent records: which scopes a person granted to a client, asked once and remembered.

The provider asks for consent only for clients that are not first-party government systems,
and only when the requested scopes are not already covered by what was granted before.
Repository-style functions: the caller's transaction commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from idp.audit import Actor, EventType, record
from idp.db import Base, utcnow


class Consent(Base):
    __tablename__ = "consents"

    account_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    client_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("oidc_clients.client_id", ondelete="CASCADE"), primary_key=True,
        index=True,
    )
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def _scopes(scopes: str | list[str]) -> set[str]:
    return set(scopes.split()) if isinstance(scopes, str) else set(scopes)


def has_consent(
    session: Session, account_id: str, client_id: str, scopes: str | list[str]
) -> bool:
    """True when every requested scope was granted before to this client."""
    row = session.get(Consent, (account_id, client_id))
    return row is not None and _scopes(scopes) <= set(row.scopes)


def grant_consent(
    session: Session, account_id: str, client_id: str, scopes: str | list[str],
    actor: Actor | None = None,
) -> Consent:
    """Remember scopes (added to any granted before) and audit CONSENT."""
    row = session.get(Consent, (account_id, client_id))
    if row is None:
        row = Consent(account_id=account_id, client_id=client_id, scopes=[])
        session.add(row)
    row.scopes = sorted(set(row.scopes) | _scopes(scopes))
    row.granted_at = utcnow()
    record(session, EventType.CONSENT, actor=actor, account_id=account_id, client_id=client_id,
           action="grant", scopes=row.scopes)
    return row


def revoke_consent(
    session: Session, account_id: str, client_id: str, actor: Actor | None = None
) -> bool:
    """Forget the consent; the next request asks again. True when there was one."""
    result = session.execute(
        delete(Consent).where(Consent.account_id == account_id, Consent.client_id == client_id)
    )
    if result.rowcount:
        record(session, EventType.CONSENT, actor=actor, account_id=account_id,
               client_id=client_id, action="revoke")
    return bool(result.rowcount)


def consents_for(session: Session, account_id: str) -> list[Consent]:
    """The person's consents, newest first (for the "my account" page)."""
    stmt = select(Consent).where(Consent.account_id == account_id)
    return list(session.scalars(stmt.order_by(Consent.granted_at.desc())))
