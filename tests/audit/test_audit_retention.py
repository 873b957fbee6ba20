"""Retention drops old events (whole months on PostgreSQL), never the last 180 days, and what
remains still verifies; new months get their partitions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from idp.audit.partitions import (
    DEFAULT_PARTITION,
    ensure_partitions,
    existing_partitions,
    partition_name,
    prune,
)
from idp.audit.query import AuditFilter, export
from idp.audit.verify import verify
from idp.settings import Settings, SettingsError
from tests.audit.audit_helpers import write_event

TODAY = datetime.now(UTC).date()


def _at(days_ago: int) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time(), UTC).replace(
        hour=12)


def _days_left(db) -> list[int]:
    return sorted((TODAY - datetime.fromisoformat(r["at"]).date()).days
                  for r in export(db, AuditFilter()))


@pytest.mark.parametrize("asked", [180, 30])
def test_pruning_on_sqlite_keeps_at_least_the_last_180_days(db, asked):
    for days_ago in (400, 200, 181, 179, 100, 0):
        write_event(db, _at(days_ago))
    result = prune(db, asked)
    assert result.cutoff == TODAY - timedelta(days=180)
    assert result.events == 3
    assert _days_left(db) == [0, 100, 179]
    assert verify(db).ok


def test_a_retention_below_the_legal_minimum_is_refused_at_start_up():
    with pytest.raises(SettingsError, match="at least 180"):
        Settings.from_env({"IDP_AUDIT_RETENTION_DAYS": "90"})


def test_prune_from_the_cli_reports_and_audits_itself(db, cli):
    write_event(db, _at(365))
    result = cli("audit", "prune")
    assert result.exit_code == 0, result.output
    assert "1 events deleted" in result.output
    assert [r["type"] for r in export(db, AuditFilter())] == ["audit.prune"]
    assert cli("audit", "verify").exit_code == 0


@pytest.mark.parametrize("backend", ["postgres"])
def test_postgresql_drops_only_whole_months_older_than_retention(backend, db):
    oldest = TODAY - timedelta(days=400)
    ensure_partitions(db, on=oldest, months_ahead=14)
    for days_ago in (400, 300, 200, 185, 179, 30, 0):
        write_event(db, _at(days_ago))
    result = prune(db, 180)
    cutoff = TODAY - timedelta(days=180)
    assert result.partitions  # the months wholly before the cutoff went
    with db.engine.connect() as conn:
        months = existing_partitions(conn)
    assert all(month >= cutoff.replace(day=1) for month in months)
    left = _days_left(db)
    assert {0, 30, 179} <= set(left)  # the last six months are all there
    assert 400 not in left and 300 not in left
    assert verify(db).ok


@pytest.mark.parametrize("backend", ["postgres"])
def test_an_event_in_a_month_without_partition_is_kept_and_later_moved_in(backend, db):
    future = date(2031, 5, 1)
    event_id = write_event(db, datetime(2031, 5, 7, 8, 0, tzinfo=UTC))
    with db.engine.connect() as conn:
        assert conn.scalar(text(f"SELECT count(*) FROM {DEFAULT_PARTITION}")) == 1  # noqa: S608
    assert ensure_partitions(db, on=future, months_ahead=0) == [partition_name(future)]
    with db.engine.connect() as conn:
        assert conn.scalar(text(f"SELECT count(*) FROM {DEFAULT_PARTITION}")) == 0  # noqa: S608
        moved = conn.scalar(text(f"SELECT id FROM {partition_name(future)}"))  # noqa: S608
    assert moved == event_id
    assert verify(db).ok
    with db.engine.begin() as conn:  # leave the shared test database as it was
        conn.execute(text(f"DROP TABLE {partition_name(future)}"))


def test_maintain_creates_this_and_the_coming_months(backend, cli):
    result = cli("audit", "maintain")
    assert result.exit_code == 0
    assert "created partitions:" in result.output
