"""`idp audit verify` proves the chain whole, and finds an edited, deleted or inserted event."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from idp.audit import EventType, Outcome, record
from idp.audit.chain import AuditChainHead, event_hash
from idp.audit.record import AuditEvent
from idp.audit.verify import verify
from tests.audit.audit_helpers import sql, write_event


def _logins(db, n: int = 5) -> list[int]:
    ids = []
    for i in range(n):
        with db.begin() as session:
            ids.append(record(session, EventType.LOGIN, Outcome.FAILURE, account_id=f"acct-{i}",
                              username=f"user{i}", door="person").id)
    return ids


def test_a_log_written_by_record_verifies_whole(backend, db, cli):
    _logins(db)
    report = verify(db)
    assert report.ok and report.events == 5
    result = cli("audit", "verify")
    assert result.exit_code == 0
    assert "audit chain whole: 5 events over 1 days" in result.output


def test_an_edited_event_is_found_by_id(backend, db, cli):
    ids = _logins(db)
    sql(db, "UPDATE audit_events SET outcome = 'success' WHERE id = :id", id=ids[2])
    result = cli("audit", "verify", "--json")
    assert result.exit_code == 1
    broken = json.loads(result.output)["broken"]
    assert (broken["problem"], broken["event_id"]) == ("edited", ids[2])
    assert "changed after it was written" in broken["message"]


def test_a_deleted_event_is_found_at_the_event_after_it(backend, db, cli):
    ids = _logins(db)
    sql(db, "DELETE FROM audit_events WHERE id = :id", id=ids[1])
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert f"event {ids[2]} does not link to the previous event" in result.output
    assert "deleted" in result.output


def test_an_inserted_event_is_found_even_with_a_correct_hash(backend, db):
    ids = _logins(db, 3)
    sql(db, "UPDATE audit_events SET id = id * 1000")  # make room between two events
    with db.session() as session:
        first = session.get(AuditEvent, ids[0] * 1000)
        forged = {"at": first.at, "type": "login", "outcome": "success", "account_id": "acct-1",
                  "username": "user1", "client_id": None, "ip": None, "user_agent": None,
                  "detail": {}, "lane": first.lane, "prev_hash": first.hash}
    sql(db, "INSERT INTO audit_events (id, at, type, outcome, account_id, username, detail,"
        " lane, prev_hash, hash) VALUES (:id, :at, 'login', 'success', 'acct-1', 'user1', '{}',"
        " :lane, :prev_hash, :hash)", id=ids[0] * 1000 + 1, at=forged["at"], lane=forged["lane"],
        prev_hash=forged["prev_hash"], hash=event_hash(forged))
    broken = verify(db).broken
    assert (broken.problem, broken.event_id) == ("inserted", ids[0] * 1000 + 1)


def test_events_cut_from_the_end_of_a_chain_are_missed(backend, db):
    ids = _logins(db)
    sql(db, "DELETE FROM audit_events WHERE id = :id", id=ids[-1])
    broken = verify(db).broken
    assert broken.problem == "truncated"
    assert "holds 4 events where 5 were written" in broken.message


def test_a_whole_day_removed_from_the_middle_is_missed(backend, db):
    today = datetime.now(UTC).replace(hour=12)
    for days_ago in (3, 2, 1):
        write_event(db, today - timedelta(days=days_ago))
    middle = (today - timedelta(days=2)).date()
    sql(db, "DELETE FROM audit_events WHERE at >= :a AND at < :b",
        a=datetime.combine(middle, datetime.min.time(), UTC),
        b=datetime.combine(middle + timedelta(days=1), datetime.min.time(), UTC))
    sql(db, "DELETE FROM audit_chain_heads WHERE day = :d", d=middle)
    broken = verify(db).broken
    assert broken.problem == "missing_day"
    assert f"day {middle} was removed" in broken.message


def test_verify_from_a_day_ignores_damage_before_it(backend, db, cli):
    now = datetime.now(UTC).replace(hour=12)
    old = write_event(db, now - timedelta(days=5))
    write_event(db, now - timedelta(days=1))
    sql(db, "UPDATE audit_events SET ip = '203.0.113.9' WHERE id = :id", id=old)
    since = (now - timedelta(days=2)).date().isoformat()
    assert cli("audit", "verify", "--from", since).exit_code == 0
    assert cli("audit", "verify").exit_code == 1


def test_an_event_rolled_back_with_its_transaction_leaves_the_chain_whole(backend, db):
    _logins(db, 2)
    with pytest.raises(RuntimeError), db.begin() as session:
        record(session, EventType.LOGIN, account_id="ghost")
        raise RuntimeError("the login failed after auditing")
    _logins(db, 2)
    report = verify(db)
    assert report.ok and report.events == 4


def test_verify_rejects_a_from_that_is_not_a_date(db, cli):
    result = cli("audit", "verify", "--from", "yesterday")
    assert result.exit_code == 1
    assert "not a date" in result.output


@pytest.mark.parametrize("backend", ["postgres"])
def test_concurrent_writers_on_postgresql_leave_whole_chains(backend, db):
    assert not db.is_sqlite
    errors = []

    def writer(n: int) -> None:
        try:
            for i in range(25):
                with db.begin() as session:
                    record(session, EventType.LOGIN, account_id=f"w{n}", n=i)
                    if i % 5 == 0:  # two events in one transaction stay in one lane
                        record(session, EventType.TOKEN_ISSUE, account_id=f"w{n}", n=i)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = verify(db)
    assert report.ok, report.broken
    assert report.events == 8 * 30
    with db.session() as session:
        written = session.scalar(select(func.sum(AuditChainHead.count)))
    assert written == 8 * 30


def test_the_day_of_an_event_is_its_utc_date(db):
    event_id = write_event(db, datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    with db.session() as session:
        head = session.get(AuditChainHead, (date(2026, 3, 1), 0))
        assert head.count == 1
        assert session.get(AuditEvent, event_id).hash == head.last_hash
