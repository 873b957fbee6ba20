"""Monthly partitions of the audit table on PostgreSQL, and retention for both databases.

Partitions are named ``audit_events_pYYYYMM`` and hold ``[first of month, first of next)``.
``audit_events_default`` catches a row whose month has no partition yet, so an audit write
never fails; ``ensure_partitions`` (at start-up and in ``idp audit maintain``) creates the
coming months and moves any such rows into their month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from idp.audit.chain import AuditChainHead, today
from idp.db import Database

# The legal minimum retention of authentication records (six months).
MIN_RETENTION_DAYS = 180
DEFAULT_PARTITION = "audit_events_default"
_NAME = re.compile(r"^audit_events_p(\d{4})(\d{2})$")


def is_partition(table_name: str) -> bool:
    """Whether a table is one of the audit table's partitions (not a table of its own)."""
    return table_name == DEFAULT_PARTITION or _NAME.match(table_name) is not None


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def partition_name(month: date) -> str:
    return f"audit_events_p{month:%Y%m}"


def create_partition_sql(month: date) -> str:
    start, end = month_start(month), next_month(month)
    return (
        f"CREATE TABLE IF NOT EXISTS {partition_name(start)} PARTITION OF audit_events "
        f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
    )


def existing_partitions(conn: Connection) -> list[date]:
    """Months that have a partition, oldest first."""
    rows = conn.execute(text(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'audit_events'::regclass"
    )).scalars()
    months = [date(int(m[1]), int(m[2]), 1) for m in map(_NAME.match, rows) if m]
    return sorted(months)


def ensure_partitions(db: Database, *, months_ahead: int = 2, on: date | None = None) -> list[str]:
    """Partitions for this month and the next ``months_ahead``; names of those created."""
    if db.is_sqlite:
        return []
    wanted = [month_start(on or today())]
    for _ in range(months_ahead):
        wanted.append(next_month(wanted[-1]))
    created = []
    try:
        with db.unbounded() as conn:  # moving a month of events out of the default may take long
            have = set(existing_partitions(conn))
            for month in wanted:
                if month not in have:
                    _create_from_default(conn, month)
                    created.append(partition_name(month))
    except DBAPIError:
        # Another node starting at the same moment created them first: fine if they exist.
        with db.engine.connect() as conn:
            if not set(wanted) <= set(existing_partitions(conn)):
                raise
        return []
    return created


def _create_from_default(conn: Connection, month: date) -> None:
    """Create a month's partition; rows already caught by the default partition move in."""
    start, end = month_start(month), next_month(month)
    bounds = {"start": start, "end": end}
    where = "at >= :start AND at < :end"
    conn.execute(text("CREATE TEMP TABLE audit_moving (LIKE audit_events) ON COMMIT DROP"))
    conn.execute(text(
        f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE {where} RETURNING *) "  # noqa: S608 - constant names
        "INSERT INTO audit_moving SELECT * FROM moved"
    ), bounds)
    conn.execute(text(create_partition_sql(month)))
    conn.execute(text("INSERT INTO audit_events SELECT * FROM audit_moving"))
    conn.execute(text("DROP TABLE audit_moving"))


@dataclass
class PruneResult:
    cutoff: date  # retention boundary: nothing from this day on was touched
    partitions: list[str] = field(default_factory=list)
    events: int = 0  # rows deleted one by one (SQLite, the default partition)


def prune_cutoff(retention_days: int, on: date | None = None) -> date:
    """The first day kept: never fewer than the legal minimum of days are kept."""
    return (on or today()) - timedelta(days=max(retention_days, MIN_RETENTION_DAYS))


def prune(db: Database, retention_days: int, *, on: date | None = None) -> PruneResult:
    """Drop events older than retention: whole months on PostgreSQL, whole days on SQLite.

    Chain heads of dropped days go too; each remaining day's chain starts from its genesis,
    so the rest stays verifiable.
    """
    cutoff = prune_cutoff(retention_days, on)
    if db.is_sqlite:
        from idp.audit.record import AuditEvent

        with db.begin() as session:
            first_kept = datetime.combine(cutoff, datetime.min.time())
            result = session.execute(delete(AuditEvent).where(AuditEvent.at < first_kept))
            session.execute(delete(AuditChainHead).where(AuditChainHead.day < cutoff))
        return PruneResult(cutoff=cutoff, events=result.rowcount)
    with db.unbounded() as conn:  # deleting from the default partition may take long
        # Only months whose last day is before the cutoff: a partition is dropped whole.
        dropped = [m for m in existing_partitions(conn) if next_month(m) <= cutoff]
        kept_from = next_month(dropped[-1]) if dropped else None
        for month in dropped:
            conn.execute(text(f"DROP TABLE {partition_name(month)}"))
        boundary = datetime.combine(kept_from or date.min, datetime.min.time(), tzinfo=UTC)
        events = conn.execute(
            text(f"DELETE FROM {DEFAULT_PARTITION} WHERE at < :b"), {"b": boundary}  # noqa: S608
        ).rowcount
        if kept_from:
            conn.execute(delete(AuditChainHead).where(AuditChainHead.day < kept_from))
    return PruneResult(cutoff, [partition_name(m) for m in dropped], events)
