"""Audit benchmark: 5 million events in PostgreSQL; time to the console's first page for a
filter by account and by IP over 30 days, and the export rate of a filter.

    .venv/bin/python bench/audit.py [--events 5000000]

Uses a database of its own on ``IDP_BENCH_PG`` (default the local server) and drops it at the
end. Events are made by ``generate_series`` in one INSERT (their hashes are filler: the chain
is not what is measured); the console's indexes are built after the load, as a bulk import
would.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from machine import machine
from sqlalchemy import create_engine, text

from idp.audit.formats import jsonl_lines
from idp.audit.partitions import ensure_partitions
from idp.audit.query import AuditFilter, export, search
from idp.audit.verify import verify
from idp.db import Database

SERVER = os.environ.get("IDP_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
DAYS = 60
ACCOUNTS, IPS, CLIENTS = 200_000, 100_000, 250
INDEXES = {
    "ix_audit_events_at": "at",
    "ix_audit_events_account_id_at": "account_id, at",
    "ix_audit_events_ip_at": "ip, at",
    "ix_audit_events_client_id_at": "client_id, at",
    "ix_audit_events_type_outcome_at": "type, outcome, at",
}
# One row per g: time rises with g over the DAYS before today (today is left to real chained
# writes); accounts, IPs and clients are spread by multiplying g by primes; 1 in 13 fails.
LOAD = f"""
INSERT INTO audit_events (at, type, outcome, account_id, username, client_id, ip, user_agent,
                          detail, lane, prev_hash, hash)
SELECT date_trunc('day', now()) - interval '{DAYS} days'
           + ((g - 1)::float8 / :n) * interval '{DAYS} days',
       CASE WHEN g % 10 < 6 THEN 'login' WHEN g % 10 < 9 THEN 'token.issue' ELSE 'logout' END,
       CASE WHEN g % 13 = 0 THEN 'failure' ELSE 'success' END,
       'acct-' || (g * 7919 % {ACCOUNTS}), 'user' || (g * 7919 % {ACCOUNTS}),
       'client-' || (g % {CLIENTS}),
       '10.' || (g * 104729 % {IPS} / 65536) || '.' || (g * 104729 % {IPS} / 256 % 256)
             || '.' || (g * 104729 % {IPS} % 256),
       'Mozilla/5.0 (bench)', '{{"door":"person"}}'::json, 0,
       md5(g::text) || md5((g + 1)::text), md5((g + 2)::text) || md5((g + 3)::text)
FROM generate_series(1::bigint, :n) AS g
"""  # noqa: S608 - constants only




def load(db: Database, n: int) -> None:
    ensure_partitions(db, on=date.today() - timedelta(days=DAYS + 31), months_ahead=4)
    with db.engine.begin() as conn:
        for name in INDEXES:
            conn.execute(text(f"DROP INDEX {name}"))
        conn.execute(text("SET LOCAL synchronous_commit = off"))
        conn.execute(text(LOAD), {"n": n})
    with db.engine.begin() as conn:
        conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        for name, columns in INDEXES.items():
            conn.execute(text(f"CREATE INDEX {name} ON audit_events ({columns})"))
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE audit_events"))


def first_page_ms(db: Database, filters: list[AuditFilter]) -> tuple[float, float]:
    """(first query, median of the rest) in milliseconds, each a fresh session."""
    times = []
    for chosen in filters:
        started = time.perf_counter()
        with db.session() as session:
            page = search(session, chosen, limit=50)
        times.append((time.perf_counter() - started) * 1000)
        assert page.events, "the filter should match events"
    return times[0], statistics.median(times[1:])


def deep_page_ms(db: Database, chosen: AuditFilter, pages: int) -> tuple[int, float]:
    """Follow the "next" cursor ``pages`` times; (events seen, ms for the last page)."""
    after, seen, elapsed = None, 0, 0.0
    with db.session() as session:
        for _ in range(pages):
            started = time.perf_counter()
            page = search(session, chosen, after=after, limit=50)
            elapsed = (time.perf_counter() - started) * 1000
            seen += len(page.events)
            after = page.next
    return seen, elapsed


def record_cost(db: Database, threads: int, per_thread: int, *, chained: bool = True) -> float:
    """Events per second, one event per transaction: by record() (chain included), or as a
    plain ORM insert of the same row (the baseline without the chain)."""
    from threading import Thread

    from idp.audit import Actor, EventType, Outcome, record
    from idp.audit.record import AuditEvent
    from idp.db import utcnow

    actor = Actor(ip="192.0.2.1", user_agent="bench")

    def write() -> None:
        for i in range(per_thread):
            with db.begin() as session:
                if chained:
                    record(session, EventType.LOGIN, Outcome.SUCCESS, actor=actor,
                           account_id=f"acct-{i}", username=f"user{i}", client_id="tax",
                           door="person")
                else:
                    session.add(AuditEvent(
                        at=utcnow(), type="login", outcome="success", account_id=f"acct-{i}",
                        username=f"user{i}", client_id="tax", ip=actor.ip, user_agent="bench",
                        detail={"door": "person"}, lane=99, prev_hash="-" * 64, hash="-" * 64))

    workers = [Thread(target=write) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return threads * per_thread / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5_000_000)
    args = parser.parse_args()
    name = f"yiwang_bench_audit_{os.getpid()}"
    admin = create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(f"{SERVER}/{name}")
    try:
        db.upgrade()
        print(f"machine: {machine()}")
        with db.engine.connect() as conn:
            print("postgresql:", conn.scalar(text("SHOW server_version")))
        started = time.perf_counter()
        load(db, args.events)
        print(f"loaded {args.events:,} events over {DAYS} days, indexed and analysed in "
              f"{time.perf_counter() - started:.0f} s")
        since = datetime.now(UTC) - timedelta(days=30)
        by_account = [AuditFilter(account_id=f"acct-{i * 7}", since=since) for i in range(21)]
        by_ip = [AuditFilter(ip=f"10.0.{i}.{i * 3 % 256}", since=since) for i in range(1, 22)]
        for label, filters in (("account", by_account), ("IP", by_ip)):
            first, median = first_page_ms(db, filters)
            print(f"first page (50 events), filter by {label} over 30 days: first {first:.1f} ms,"
                  f" median of 20 more {median:.1f} ms")
        busy = AuditFilter(client_id="client-7", since=since)
        first, median = first_page_ms(db, [busy] * 21)
        seen, last = deep_page_ms(db, busy, 200)
        print(f"first page, filter by client over 30 days (~10,000 matches): first {first:.1f} ms,"
              f" median {median:.1f} ms; page 200 by cursor ({seen:,} events in): {last:.1f} ms")
        failures = AuditFilter(type="login", outcome="failure", since=since)
        started = time.perf_counter()
        count = sum(1 for _ in jsonl_lines(export(db, failures)))
        elapsed = time.perf_counter() - started
        print(f"export as JSON Lines, failed logins over 30 days: {count:,} events in "
              f"{elapsed:.1f} s = {count / elapsed:,.0f} events/s")
        for threads in (1, 4):
            plain = record_cost(db, threads, 500, chained=False)
            rate = record_cost(db, threads, 500)
            print(f"one audit event per transaction, {threads} thread(s): record() with the chain"
                  f" {rate:,.0f} events/s; plain insert without it {plain:,.0f} events/s")
        with db.engine.begin() as conn:  # the baseline's rows are no chain's: not verified
            conn.execute(text("DELETE FROM audit_events WHERE lane = 99"))
        verified = verify(db, date.today())
        print(f"verify of today's chains after that: ok={verified.ok}, {verified.events} events")
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
