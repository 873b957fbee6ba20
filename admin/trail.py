"""The console's own audit record: every change names its reason, and what it was before and
after (ADMIN_ACTION), written in the same transaction as the change where the owner's service
lets us share one."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from admin.errors import AdminError
from admin.principal import Admin
from idp.audit import EventType, record

MAX_REASON = 500


def need_reason(reason: str | None) -> str:
    """The trimmed reason; AdminError ``reason_required`` when empty."""
    text = (reason or "").strip()
    if not text:
        raise AdminError("reason_required")
    return text[:MAX_REASON]


def record_action(
    session: Session, admin: Admin, action: str, reason: str, *, target: str,
    before: Any = None, after: Any = None, client_id: str | None = None,
    account_id: str | None = None,
) -> None:
    """One ADMIN_ACTION event, filed under the administrator's account (the audit page finds
    "what did this admin do"); the account acted on is ``target_account``. ``before``/``after``
    hold only non-secret fields."""
    record(session, EventType.ADMIN_ACTION, actor=admin.actor, account_id=admin.account_id,
           username=admin.username, client_id=client_id, action=action, reason=reason,
           target=target, target_account=account_id, before=before, after=after)
