"""Walking the audit hash chains: the first broken link, or proof that they are whole.

What a whole chain proves: every stored event of every verified day is exactly as written
(any edited field changes its hash), none was deleted or slipped in between others (the next
event's link would not match), none was cut from a chain's end or added after it (the chain
head's count and last hash would not match), and no day in between was removed (the next day's
head names it). It cannot prove anything against someone who rewrites events *and* heads
consistently: ship the day heads (``--json``) elsewhere to anchor them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import Result, select

from idp.audit.chain import AuditChainHead, as_utc, event_hash, genesis
from idp.audit.record import AuditEvent
from idp.db import Database

_BATCH = 5000


@dataclass(frozen=True)
class Break:
    day: date
    problem: str  # edited | deleted | inserted | truncated | unchained | missing_day
    message: str
    event_id: int | None = None
    lane: int | None = None


@dataclass
class Report:
    events: int = 0
    days: list[date] = field(default_factory=list)
    broken: Break | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None

    def as_dict(self) -> dict:
        return {
            "ok": self.ok, "events": self.events, "days": len(self.days),
            "first_day": self.days[0].isoformat() if self.days else None,
            "last_day": self.days[-1].isoformat() if self.days else None,
            "broken": None if self.broken is None else {
                "day": self.broken.day.isoformat(), "problem": self.broken.problem,
                "event_id": self.broken.event_id, "lane": self.broken.lane,
                "message": self.broken.message,
            },
        }


@dataclass
class _Chain:
    expected: str  # the hash the next event must link to
    before: str | None = None  # the hash before that: tells an insertion from a deletion
    last_id: int | None = None
    count: int = 0


def verify(db: Database, since: date | None = None) -> Report:
    """Check every chain from ``since`` (default: the oldest kept day) to now."""
    report = Report()
    with db.session() as session:
        heads = {
            (h.day, h.lane): h
            for h in session.scalars(select(AuditChainHead).where(
                AuditChainHead.day >= (since or date.min)))
        }
        report.days = sorted({day for day, _ in heads})
        chains: dict[tuple[date, int], _Chain] = {}
        events = _events(session, since)
        with events:  # a server-side cursor on PostgreSQL: closed even when we stop early
            for event in events:
                report.events += 1
                problem = _check(event, heads, chains)
                if problem:
                    report.broken = problem
                    return report
    report.broken = _check_heads(heads, chains, report.days)
    return report


def _events(session, since: date | None) -> Result:
    # Plain rows, not ORM objects: verifying is a scan of millions of events.
    table = AuditEvent.__table__
    query = select(table).order_by(table.c.id)
    if since:
        query = query.where(table.c.at >= datetime.combine(since, datetime.min.time(), UTC))
    return session.execute(query.execution_options(yield_per=_BATCH))


def _check(event, heads: dict, chains: dict) -> Break | None:
    at = as_utc(event.at)
    day, lane = at.date(), event.lane
    if (day, lane) not in heads:
        return Break(day, "unchained", f"event {event.id} belongs to no chain of {day}"
                     " (inserted, or its day's chain head was removed)", event.id, lane)
    fields = {name: getattr(event, name) for name in (
        "type", "outcome", "account_id", "username", "client_id", "ip", "user_agent",
        "detail", "lane", "prev_hash")}
    if event_hash({**fields, "at": at}) != event.hash:
        return Break(day, "edited", f"event {event.id} was changed after it was written"
                     " (its fields no longer match its hash)", event.id, lane)
    chain = chains.setdefault((day, lane), _Chain(expected=genesis(day, lane)))
    if event.prev_hash != chain.expected:
        if chain.before is not None and event.prev_hash == chain.before:
            return Break(day, "inserted", f"event {chain.last_id} was inserted: event"
                         f" {event.id} links to the event before it", chain.last_id, lane)
        return Break(day, "deleted", f"event {event.id} does not link to the previous event of"
                     " its chain: an event before it was deleted", event.id, lane)
    chain.before, chain.expected, chain.last_id = chain.expected, event.hash, event.id
    chain.count += 1
    return None


def _check_heads(heads: dict, chains: dict, days: list[date]) -> Break | None:
    """Each chain must end where its head says; each day's predecessor must still be there."""
    problems = []
    for (day, lane), head in sorted(heads.items()):
        chain = chains.get((day, lane), _Chain(expected=genesis(day, lane)))
        if chain.count != head.count or chain.expected != head.last_hash:
            problem = ("truncated" if chain.count < head.count
                       else "appended" if chain.count > head.count else "replaced")
            problems.append(Break(day, problem, f"chain {day}/{lane} holds {chain.count} events"
                                  f" where {head.count} were written and does not end with the"
                                  f" last one written ({problem} at its end)", chain.last_id, lane))
        if head.prev_day and head.prev_day not in days and head.prev_day >= days[0]:
            problems.append(Break(day, "missing_day", f"day {head.prev_day} was removed"
                                  f" (day {day} follows it)", None, lane))
    return min(problems, key=lambda b: b.day) if problems else None
