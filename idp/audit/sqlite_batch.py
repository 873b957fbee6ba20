"""The group commit's usual batch on SQLite, written on a plain sqlite3 connection.

A batch nearly always extends the lane this writer's previous batch left (``chain.append_many``
with its ``head``): one guarded advance of the chain head, then the inserts, in one BEGIN
IMMEDIATE transaction. Through SQLAlchemy a one-event batch (a token request's) cost ~490 µs of
CPU, most of it pool checkout, the engine's BEGIN event and an execution context per
statement; the same statements on a plain connection (``idp.store.plain_sqlite``) cost a
fraction of that. Anything else (the first batch, a new day, a lane another process moved) is
left to ``chain.append_many``. The chain, the hashes and the rows are the same either way.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from idp.audit import chain
from idp.store.plain_sqlite import PlainSqlite


class _LaneMoved(Exception):
    """Another writer extended the lane since this one's last batch: roll back."""


def extend_known(
    plain: PlainSqlite, events: list[Any], head: tuple[date, int, str] | None
) -> tuple[date, int, str] | None:
    """Chain ``events`` onto ``head`` and commit them; the new head, or None (nothing written)
    when this batch is not the usual case. Raises SQLAlchemy's errors as the engine would."""
    if head is None or any(chain.as_utc(event.at).date() != head[0] for event in events):
        return None
    day = head[0]
    lane, last = chain.link(events, head[1], head[2])
    # The head moves only if it still ends where this writer left it (as _extend_known):
    # no other writer's events are forked off, and ids follow chain order.
    advance = {"d": day, "l": lane, "h": last, "n": len(events), "p": head[2]}
    table = type(events[0]).__table__
    try:
        with plain.transaction() as transaction:
            if transaction.execute(chain.ADVANCE_IF, advance).rowcount != 1:
                raise _LaneMoved
            transaction.execute_many(chain.insert_statement(table, False),
                                     [chain.insert_params(event) for event in events])
    except _LaneMoved:
        return None
    return day, lane, last
