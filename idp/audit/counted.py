"""Login and token events counted for ``/metrics`` (``idp.metrics``) once they are committed.

An event written with ``record`` waits in its session until the transaction commits; one rolled
back is never counted, so the counters agree with the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import event as sqla_event
from sqlalchemy.orm import Session

from idp.metrics import COUNTED_EVENTS, count_audit_event

_PENDING = "audit_events_to_count"  # session.info key


def on_commit(session: Session, event: Any) -> None:
    """Count event when session's transaction commits."""
    if event.type in COUNTED_EVENTS:
        session.info.setdefault(_PENDING, []).append(event)


def count(events: Iterable[Any]) -> None:
    """Count events that are committed already."""
    for event in events:
        if event.type in COUNTED_EVENTS:
            count_audit_event(event.type, event.outcome, event.client_id, event.detail or {})


@sqla_event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    events = session.info.pop(_PENDING, None)
    if events:
        count(events)


@sqla_event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)
