"""Group commit: token events from concurrent requests share transactions, each committed
before its caller goes on, and the chain stays whole."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from idp.audit import EventType, record
from idp.audit.group import AuditWriteError, GroupCommit
from idp.audit.record import AuditEvent
from idp.audit.verify import verify
from tests.audit.audit_helpers import sql


def _count(db, **where) -> int:
    query = select(func.count()).select_from(AuditEvent)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    with db.session() as session:
        return session.scalar(query)


def test_each_event_is_committed_when_record_returns(db):
    group = GroupCommit(db)
    group.record(EventType.TOKEN_ISSUE, client_id="api", jti="j-1")
    assert _count(db, client_id="api") == 1


def test_events_from_many_threads_all_land_in_one_whole_chain(backend, db):
    group = GroupCommit(db)
    with db.begin() as session:  # a business write's event, chained with the batches
        record(session, EventType.LOGIN, account_id="acct-1")
    barrier = threading.Barrier(8)

    def issue(n: int) -> None:
        barrier.wait()
        for i in range(10):
            group.record(EventType.TOKEN_ISSUE, client_id=f"c{n}", jti=f"{n}-{i}")

    threads = [threading.Thread(target=issue, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert _count(db, type=str(EventType.TOKEN_ISSUE)) == 80
    report = verify(db)
    assert report.ok and report.events == 81


def test_a_failed_batch_fails_its_callers_and_writes_nothing(db):
    group = GroupCommit(db)
    sql(db, "DROP TABLE audit_chain_heads")
    with pytest.raises(AuditWriteError):
        group.record(EventType.TOKEN_ISSUE, client_id="api", jti="j-1")
    assert _count(db) == 0


def test_a_failed_batch_on_sqlites_plain_connection_rolls_back_and_fails_as_the_engine_would(db):
    group = GroupCommit(db)
    group.record(EventType.TOKEN_ISSUE, client_id="api", jti="j-1")  # the next batch: plain
    sql(db, "CREATE TRIGGER refuse BEFORE INSERT ON audit_events "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END")
    with pytest.raises(AuditWriteError) as failed:
        group.record(EventType.TOKEN_ISSUE, client_id="api", jti="j-2")
    assert isinstance(failed.value.__cause__, DBAPIError)  # the web layer tells outages by it
    sql(db, "DROP TRIGGER refuse")
    group.record(EventType.TOKEN_ISSUE, client_id="api", jti="j-3")
    report = verify(db)  # j-2's head advance was rolled back with its insert
    assert report.ok and report.events == 2
