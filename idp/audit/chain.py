"""The hash chain that makes the audit log tamper-evident.

Events are chained per UTC day and *lane*: each event stores the hash of the previous event of
its (day, lane) chain and its own SHA-256 over a canonical encoding of its fields and that
link. A chain-head row per (day, lane) holds the last hash and the count; appending locks it
(``SELECT ... FOR UPDATE``), so concurrent writers queue instead of forking the chain. On
PostgreSQL a writer takes the first unlocked lane (``SKIP LOCKED``), so logins on many connections
rarely wait for each other; SQLite serialises writers itself (``BEGIN IMMEDIATE``) and uses one
lane. The lock is held until the caller's commit, so within a chain event ids increase in chain
order and the verifier can walk events by id. On PostgreSQL the insert and the head's advance
are one statement, so the chain costs one extra round trip per event (the lock); on SQLite
they are two prebuilt Core statements (no ORM flush).

Each day's chains start from a fixed genesis value, so pruning whole days leaves the rest
verifiable; each day's head also names the previous day that had events, so deleting a whole
day in the middle is seen too.
"""

from __future__ import annotations

import hashlib
import json
import random
from datetime import UTC, date, datetime
from itertools import groupby
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    SmallInteger,
    String,
    bindparam,
    cast,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, make_transient_to_detached, mapped_column

from idp.db import Base

FORMAT_VERSION = 1
# Parallel chains per day on PostgreSQL: enough that writers rarely wait for a lock.
PG_LANES = 8
_HELD = "audit_chain_lane"  # session.info key: the lane this transaction already holds


class AuditChainHead(Base):
    """Where each (day, lane) chain ends: its last hash and how many events it has."""

    __tablename__ = "audit_chain_heads"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    lane: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    last_hash: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(BigInteger, default=0)
    # The latest earlier day that had a chain when this one was opened (None: the first).
    prev_day: Mapped[date | None] = mapped_column(Date)


def genesis(day: date, lane: int) -> str:
    """The ``prev_hash`` of the first event of a (day, lane) chain."""
    return hashlib.sha256(f"yiwang-audit:{day.isoformat()}:{lane}".encode()).hexdigest()


def as_utc(at: datetime) -> datetime:
    # SQLite gives back naive datetimes; everything is written in UTC.
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def canonical(fields: dict[str, Any]) -> bytes:
    """The bytes that are hashed: fixed keys, sorted, compact JSON, UTF-8.

    This format is a contract with every event ever written: changing it needs a new
    FORMAT_VERSION, never an edit.
    """
    at = as_utc(fields["at"]).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = {
        "v": FORMAT_VERSION,
        "at": at,
        "type": fields["type"],
        "outcome": fields["outcome"],
        "account_id": fields["account_id"],
        "username": fields["username"],
        "client_id": fields["client_id"],
        "ip": fields["ip"],
        "user_agent": fields["user_agent"],
        "detail": fields["detail"],
        "lane": fields["lane"],
        "prev": fields["prev_hash"],
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


def plain_detail(detail: dict[str, Any]) -> dict[str, Any]:
    """The detail as the JSON column gives it back, so what is hashed is what is stored."""
    if all(type(key) is str and type(value) in _JSON_SCALARS for key, value in detail.items()):
        return dict(detail)  # already what JSON gives back (a token's detail): no round trip
    return json.loads(json.dumps(detail, default=str, ensure_ascii=False))


# Exactly these types come back from JSON as they went in (not float: NaN, not subclasses such
# as enums, which come back as their plain values).
_JSON_SCALARS = frozenset({str, int, bool, type(None)})


def append(session: Session, event: Any) -> None:
    """Link ``event`` (``at`` set, not yet added) into its day's chain and add it.

    Must run inside the caller's write transaction: the chain head stays locked until it ends.
    """
    day = as_utc(event.at).date()
    lane, prev = _claim(session, day)
    event.lane = lane
    event.prev_hash = prev
    event.hash = event_hash(vars_of(event))
    advance = {"d": day, "l": lane, "h": event.hash}
    postgres = session.get_bind().dialect.name == "postgresql"
    if not postgres:  # SQLite has no writable CTEs: move the head first, then insert
        session.connection().execute(_ADVANCE, advance)
    # The id is drawn while the lane is locked: ids follow chain order.
    _insert_advancing(session, event, advance, postgres)


def _insert_advancing(
    session: Session, event: Any, advance: dict[str, Any], with_advance: bool
) -> None:
    """Insert the event with a prebuilt Core statement (an ORM flush costs more than the
    whole chain step); on PostgreSQL the chain head moves in the same statement (one round
    trip fewer on every login). The row is then handed to the session as already persistent."""
    table = type(event).__table__
    values = {c.name: getattr(event, c.name) for c in table.columns if c.name != "id"}
    values["detail"] = values["detail"] if values["detail"] is not None else {}
    statement = _INSERT_ADVANCING.get((table, with_advance))
    if statement is None:
        # Parameter names of their own: a key named like a column of the chain heads
        # ("lane") would otherwise be taken into the UPDATE's SET clause as well.
        statement = insert(table).values(
            {name: bindparam(f"e_{name}", type_=table.c[name].type) for name in values}
        ).returning(table.c.id)
        if with_advance:
            statement = statement.add_cte(_ADVANCE.cte("advance"))
        _INSERT_ADVANCING[(table, with_advance)] = statement
    event.detail = values["detail"]
    params = {f"e_{name}": value for name, value in values.items()}
    if with_advance:
        params |= advance
    event.id = session.connection().execute(statement, params).scalar_one()
    make_transient_to_detached(event)
    session.add(event)


def append_many(
    conn: Connection, events: list[Any], head: tuple[date, int, str] | None = None
) -> tuple[date, int, str]:
    """Link ``events`` (in order, ``at`` set) into their days' chains and insert them, in the
    caller's write transaction on ``conn`` and holding nothing else of the chain: one lock and
    one head update per day however many events (group commit, ``idp.audit.group``).

    ``head`` is the (day, lane, last hash) this writer's previous batch committed: the batch
    first tries to extend that lane without reading it, the head's UPDATE guarded by that hash,
    so a lane another writer (node) moved meanwhile is never forked, only read and locked as
    usual. Returns the head this batch leaves, for the next one once committed."""
    for day, group in groupby(events, key=lambda event: as_utc(event.at).date()):
        batch = list(group)
        if head is not None and head[0] == day and _extend_known(conn, day, head, batch):
            head = (day, head[1], batch[-1].hash)
            continue
        row = _claim_free(conn, day)
        lane, last = link(batch, row.lane, row.last_hash)
        advance = {"d": day, "l": lane, "h": last, "n": len(batch)}
        # PostgreSQL moves the head in the last insert's statement (one round trip fewer).
        postgres = conn.dialect.name == "postgresql"
        if not postgres:
            conn.execute(_ADVANCE_BY, advance)
        table = type(batch[0]).__table__
        for n, event in enumerate(batch, 1):  # one by one: ids are drawn in chain order
            last_one = postgres and n == len(batch)
            params = insert_params(event) | advance if last_one else insert_params(event)
            conn.execute(insert_statement(table, last_one), params)
        head = (day, lane, last)
    return head


def link(batch: list[Any], lane: int, prev: str) -> tuple[int, str]:
    """Chain ``batch`` in order onto ``prev`` in ``lane``; (lane, the last event's hash)."""
    for event in batch:
        event.lane, event.prev_hash = lane, prev
        event.hash = prev = event_hash(vars_of(event))
    return lane, prev


def _extend_known(conn: Connection, day: date, head: tuple[date, int, str], batch: list) -> bool:
    """Append ``batch`` to the lane ``head`` names if its last hash is still ``head``'s: the head
    moves only on that condition (the row lock then held until commit, as a claimed lane's), so
    ids still follow chain order. False, having written nothing, if the lane moved on."""
    lane, last = link(batch, head[1], head[2])
    advance = {"d": day, "l": lane, "h": last, "n": len(batch), "p": head[2]}
    table = type(batch[0]).__table__
    if conn.dialect.name == "postgresql":  # the guarded advance and the first insert: one trip
        first = conn.execute(_guarded_insert(table), insert_params(batch[0]) | advance).first()
        if first is None:
            return False
        rest = batch[1:]
    else:
        if conn.execute(ADVANCE_IF, advance).rowcount != 1:
            return False
        rest = batch
    for event in rest:
        conn.execute(insert_statement(table, False), insert_params(event))
    return True


def _guarded_insert(table: Any) -> Any:
    """INSERT ... SELECT ... FROM (the guarded head advance): no row when the lane moved on."""
    statement = _INSERT_ADVANCING.get((table, "guarded"))
    if statement is None:
        columns = [c for c in table.columns if c.name != "id"]
        advance = ADVANCE_IF.returning(_HEADS.c.lane).cte("advance")
        values = select(*[cast(bindparam(f"e_{c.name}", type_=c.type), c.type)
                          for c in columns]).select_from(advance)
        statement = insert(table).from_select([c.name for c in columns], values) \
            .returning(table.c.id)
        _INSERT_ADVANCING[(table, "guarded")] = statement
    return statement


def insert_statement(table: Any, advancing: bool) -> Any:
    """The INSERT of one chained event (with ``advancing``, the head's advance in it too)."""
    statement = _INSERT_ADVANCING.get((table, "batch", advancing))
    if statement is None:
        statement = insert(table).values(
            {c.name: bindparam(f"e_{c.name}", type_=c.type) for c in table.columns
             if c.name != "id"})
        if advancing:
            statement = statement.add_cte(_ADVANCE_BY.cte("advance"))
        _INSERT_ADVANCING[(table, "batch", advancing)] = statement
    return statement


def insert_params(event: Any) -> dict[str, Any]:
    """The values of ``insert_statement`` for a chained event."""
    names = _PARAM_NAMES.get(type(event))
    if names is None:
        names = _PARAM_NAMES[type(event)] = [
            (f"e_{c.name}", c.name) for c in type(event).__table__.columns if c.name != "id"]
    params = {param: getattr(event, name) for param, name in names}
    if params["e_detail"] is None:
        params["e_detail"] = {}
    return params


def vars_of(event: Any) -> dict[str, Any]:
    names = ("at", "type", "outcome", "account_id", "username", "client_id", "ip",
             "user_agent", "detail", "lane", "prev_hash")
    return {name: getattr(event, name) for name in names}


def _claim(session: Session, day: date) -> tuple[int, str]:
    """Lock one lane of ``day`` for this transaction; its (lane, last hash)."""
    held = session.info.get(_HELD)
    transaction = session.get_transaction()
    if held and held[0] is transaction and held[1] == day:
        row = _lock_lane(session.connection(), day, held[2])
    else:
        row = _claim_free(session.connection(), day)
    session.info[_HELD] = (transaction, day, row.lane)
    return row.lane, row.last_hash


def _claim_free(conn: Connection, day: date):
    """Lock a free lane of ``day`` (opening the day if new); its row (lane, last_hash)."""
    row = _first_free(conn, day)
    if row is None:  # the day is new, or every lane is busy: open it, then wait for one
        lanes = _open_day(conn, day)
        row = _first_free(conn, day) or _lock_lane(
            conn, day, random.randrange(lanes)  # noqa: S311 - spreading waiters only
        )
    return row


# Built once: these run on every login, and building statements costs more than running them.
_HEADS = AuditChainHead.__table__
_LOCK_FIRST_FREE = (
    # The first free lane: alone, a writer always extends lane 0; others spill over.
    select(_HEADS.c.lane, _HEADS.c.last_hash).where(_HEADS.c.day == bindparam("d"))
    .order_by(_HEADS.c.lane).limit(1).with_for_update(skip_locked=True)
)
_LOCK_LANE = (
    select(_HEADS.c.lane, _HEADS.c.last_hash)
    .where(_HEADS.c.day == bindparam("d"), _HEADS.c.lane == bindparam("l")).with_for_update()
)
_INSERT_ADVANCING: dict[Any, Any] = {}
_PARAM_NAMES: dict[type, list[tuple[str, str]]] = {}
_ADVANCE = (
    update(_HEADS).where(_HEADS.c.day == bindparam("d"), _HEADS.c.lane == bindparam("l"))
    .values(last_hash=bindparam("h"), count=_HEADS.c.count + 1)
)
_ADVANCE_BY = (
    update(_HEADS).where(_HEADS.c.day == bindparam("d"), _HEADS.c.lane == bindparam("l"))
    .values(last_hash=bindparam("h"), count=_HEADS.c.count + bindparam("n"))
)
ADVANCE_IF = _ADVANCE_BY.where(_HEADS.c.last_hash == bindparam("p"))


def _first_free(conn: Connection, day: date):
    return conn.execute(_LOCK_FIRST_FREE, {"d": day}).first()


def _lock_lane(conn: Connection, day: date, lane: int):
    return conn.execute(_LOCK_LANE, {"d": day, "l": lane}).first()


def _open_day(conn: Connection, day: date) -> int:
    """Create the day's chain heads if absent (concurrent openers agree); its lane count."""
    dialect = conn.dialect.name
    lanes = PG_LANES if dialect == "postgresql" else 1
    prev_day = conn.scalar(select(func.max(_HEADS.c.day)).where(_HEADS.c.day < day))
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    rows = [
        {"day": day, "lane": lane, "last_hash": genesis(day, lane), "count": 0,
         "prev_day": prev_day}
        for lane in range(lanes)
    ]
    conn.execute(insert(_HEADS).values(rows).on_conflict_do_nothing())
    return lanes


def today() -> date:
    return datetime.now(UTC).date()
