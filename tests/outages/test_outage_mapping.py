"""Which failures are outages (503) and which are bugs (500), and the bounded waits on a server
that accepts connections but never answers (what a SIGSTOPped one looks like from outside)."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time

import psycopg
import pytest
from sqlalchemy import exc

from idp.audit import EventType
from idp.audit.group import AuditWriteError, GroupCommit
from idp.db import Database
from idp.store import StoreUnavailable
from idp.store.redis_store import RedisStore
from idp.web.errors import outage

pytestmark = pytest.mark.outages


def _wrapped(orig: Exception, kind=exc.OperationalError) -> exc.DBAPIError:
    return kind("SELECT 1", {}, orig)


@pytest.mark.parametrize(("error", "backend"), [
    (_wrapped(psycopg.OperationalError("connection refused")), "database"),
    (_wrapped(psycopg.errors.QueryCanceled("statement timeout")), "database"),
    (_wrapped(psycopg.InterfaceError("the connection is closed"), exc.InterfaceError),
     "database"),
    (exc.TimeoutError("QueuePool limit of size 10 overflow 20 reached"), "database"),
    (exc.DisconnectionError("gone"), "database"),
    (_wrapped(sqlite3.OperationalError("database is locked")), "database"),
    (StoreUnavailable("Redis: Timeout reading from 127.0.0.1:6380"), "store"),
    (AuditWriteError("audit event not written"), None),  # with no outage behind it: a bug
    (_wrapped(sqlite3.OperationalError("no such table: accounts")), None),  # a bug, not outage
    (_wrapped(psycopg.errors.UndefinedTable("no table"), exc.ProgrammingError), None),
    (ValueError("bad"), None),
])
def test_outages_are_told_from_bugs(error, backend):
    found = outage(error)
    assert (found[0] if found else None) == backend


def test_an_error_raised_from_an_outage_is_an_outage():
    try:
        try:
            raise _wrapped(psycopg.OperationalError("server closed the connection"))
        except exc.OperationalError as cause:
            raise AuditWriteError("audit event not written") from cause
    except AuditWriteError as error:
        assert outage(error)[0] == "database"


@pytest.fixture
def silent_port():
    """A port that accepts TCP connections and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield listener.getsockname()[1]


def test_a_silent_redis_fails_each_command_within_its_timeout(silent_port):
    store = RedisStore.from_url(f"redis://127.0.0.1:{silent_port}/0", timeout=1)
    for call in (lambda: store.take("k"), lambda: store.incr("n", 5)):
        started = time.monotonic()
        with pytest.raises(StoreUnavailable):
            call()
        assert time.monotonic() - started < 1.5  # a timeout is never retried


def test_audit_callers_queued_behind_a_failed_batch_fail_with_it_not_one_by_one(silent_port):
    db = Database(f"postgresql+psycopg://postgres@127.0.0.1:{silent_port}/x", timeout=1)
    group = GroupCommit(db)
    outcomes: list[tuple[float, BaseException | None]] = []

    def issue() -> None:
        started = time.monotonic()
        try:
            group.record(EventType.TOKEN_ISSUE, client_id="api", jti="j")
        except AuditWriteError as error:
            outcomes.append((time.monotonic() - started, error))

    threads = [threading.Thread(target=issue) for _ in range(4)]
    threads[0].start()
    time.sleep(0.3)  # the first leads a batch into the silence; the others queue behind it
    for thread in threads[1:]:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 4
    assert all(outage(error)[0] == "database" for _, error in outcomes)
    # Each waited for one connect timeout (2 s), not for its own after the others'.
    assert max(seconds for seconds, _ in outcomes) < 3.5
    db.dispose()


def test_maintenance_runs_unbounded_and_requests_stay_bounded_on_the_same_connection(postgres):
    db = Database(postgres.url, timeout=1)
    with db.unbounded() as conn:  # moving a month of audit events may take long
        conn.exec_driver_sql("SELECT pg_sleep(1.2)")
    with pytest.raises(exc.OperationalError) as raised, db.engine.connect() as conn:
        conn.exec_driver_sql("SELECT pg_sleep(1.2)")
    assert "statement timeout" in str(raised.value.orig)
    db.dispose()
