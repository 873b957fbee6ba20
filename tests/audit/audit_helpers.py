"""Helpers of the audit tests: events written at chosen times and raw SQL on the test's
database (the `db` and `cli` fixtures they use are every feature's, in tests/conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from idp.audit import chain
from idp.audit.record import AuditEvent
from idp.db import Database


def write_event(db: Database, at: datetime, **fields) -> int:
    """One event written as `record` writes it, but at a chosen time; its id."""
    values = {"type": "login", "outcome": "success", "detail": {}, **fields}
    event = AuditEvent(at=at.astimezone(UTC), **values)
    with db.begin() as session:
        chain.append(session, event)
    return event.id


def sql(db: Database, statement: str, **params) -> None:
    """Raw SQL, as someone with database access would tamper with the table."""
    with db.engine.begin() as conn:
        conn.execute(text(statement), params)
