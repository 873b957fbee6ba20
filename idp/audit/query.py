"""Finding audit events: the console's pages and the SIEM export share one filter.

Both page by keyset on (at, id), never by OFFSET, so the millionth page costs what the first
does; each filter has an index ending in ``at`` (migration 0008).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from sqlalchemy import Select, select, tuple_
from sqlalchemy.orm import Session

from idp.audit.chain import as_utc
from idp.audit.record import AuditEvent
from idp.db import Database
from idp.params import parse_int

EXPORT_BATCH = 5000
MAX_PAGE = 500
FIELDS = ("id", "at", "type", "outcome", "account_id", "username", "client_id", "ip",
          "user_agent", "detail", "lane", "prev_hash", "hash")
_CURSOR_TIME = "%Y%m%dT%H%M%S%f"
_KEY = tuple_(AuditEvent.at, AuditEvent.id)
# Filter times: within these (UTC) bounds every backend stores and compares them, and every
# offset can be applied without leaving datetime's years 1-9999.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC)
# ISO 8601 as typed or sent: a date, or a date and time (seconds and microseconds optional),
# then optionally Z or an offset. ASCII digits only ('٣' is a digit to int()).
_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?)?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})?"
)


class InvalidTime(ValueError):
    """Not a time a filter takes; the message is safe to show."""


def parse_time(text: str, *, zone: tzinfo) -> datetime:
    """A filter's time as an aware UTC datetime; ``zone`` is the one meant when none is written.

    InvalidTime for anything but ISO 8601 in ASCII digits, and for times outside
    [EARLIEST, LATEST] (after the offset is applied), so no later step can overflow.
    """
    if not isinstance(text, str) or not _TIME.fullmatch(text):
        raise InvalidTime("YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM]")
    within = f"between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d} (UTC)"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:  # 2024-02-30, 24:00, an offset of 99 hours
        raise InvalidTime("not a valid date and time") from exc
    try:
        moment = (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(UTC)
    except OverflowError as exc:  # 9999-12-31T23:59-23:59 is in year 10000 in UTC
        raise InvalidTime(within) from exc
    if not EARLIEST <= moment <= LATEST:
        raise InvalidTime(within)
    return moment


@dataclass(frozen=True)
class AuditFilter:
    """Every field narrows the result; None means any. Times are [since, until)."""

    since: datetime | None = None
    until: datetime | None = None
    account_id: str | None = None
    client_id: str | None = None
    ip: str | None = None
    type: str | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: the (at, id) of its last event, and as a URL-safe token."""

    at: datetime
    id: int

    @property
    def token(self) -> str:
        return f"{as_utc(self.at):{_CURSOR_TIME}}.{self.id}"

    @classmethod
    def parse(cls, token: str) -> Cursor:
        """ValueError on anything that is not a token this module made."""
        when, _, ident = token.partition(".")
        # An id fits a signed 64-bit column: a larger one would overflow SQLite's integers.
        number = parse_int(ident, minimum=0, maximum=2**63 - 1)  # InvalidInteger is a ValueError
        return cls(datetime.strptime(when, _CURSOR_TIME).replace(tzinfo=UTC), number)


@dataclass(frozen=True)
class Page:
    events: list[AuditEvent]
    next: Cursor | None  # None on the last page


def search(
    session: Session, filter: AuditFilter, after: Cursor | None = None, limit: int = 50
) -> Page:
    """One page of matching events, newest first, starting after ``after``."""
    limit = max(1, min(limit, MAX_PAGE))
    query = _where(select(AuditEvent), filter)
    if after is not None:
        at = _db_time(after.at)
        # The plain `at <=` lets every index on (..., at) bound the scan; the row comparison
        # breaks ties between events of the same microsecond.
        query = query.where(AuditEvent.at <= at, _KEY < (at, after.id))
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit + 1)
    events = list(session.scalars(query))
    more = len(events) > limit
    events = events[:limit]
    return Page(events, Cursor(events[-1].at, events[-1].id) if more else None)


def export(db: Database, filter: AuditFilter, *, batch: int = EXPORT_BATCH) -> Iterator[dict]:
    """Every matching event, oldest first, as plain dicts; memory stays one batch.

    Each batch is its own short read, so a long export holds no transaction open.
    """
    columns = [getattr(AuditEvent, name) for name in FIELDS]
    after: tuple[datetime, int] | None = None
    while True:
        query = _where(select(*columns), filter)
        if after is not None:
            query = query.where(AuditEvent.at >= after[0], _KEY > after)
        query = query.order_by(AuditEvent.at, AuditEvent.id).limit(batch)
        with db.session() as session:
            rows = session.execute(query).all()
        for row in rows:
            yield as_record(row._mapping)
        if len(rows) < batch:
            return
        after = (rows[-1].at, rows[-1].id)


def as_record(values: Any) -> dict:
    """An event as exported: every field, time in ISO 8601 UTC."""
    record = {name: values[name] for name in FIELDS}
    record["at"] = as_utc(record["at"]).isoformat().replace("+00:00", "Z")
    return record


def _where(query: Select, filter: AuditFilter) -> Select:
    if filter.since is not None:
        query = query.where(AuditEvent.at >= _db_time(filter.since))
    if filter.until is not None:
        query = query.where(AuditEvent.at < _db_time(filter.until))
    for name in ("account_id", "client_id", "ip", "type", "outcome"):
        value = getattr(filter, name)
        if value is not None:
            query = query.where(getattr(AuditEvent, name) == str(value))
    return query


def _db_time(at: datetime) -> datetime:
    # SQLite stores UTC wall-clock text; PostgreSQL compares aware times.
    return as_utc(at)
