"""Group commit for audit events that are the only write of their request (a token issue).

As with ``record``, each caller's event is committed before the call returns. But callers that
arrive together share one transaction, as databases group their log flushes: the first caller to
find the writer free (the leader) writes every event queued so far, in order, in one transaction;
the others wait for it, and find their event written when they get the writer. The chain lock,
BEGIN and COMMIT are paid once per batch instead of once per event. When the database is
unavailable, the callers queued behind a failed batch fail with it (AuditWriteError raised from
the database's error, which the web layer answers with 503) instead of each waiting in turn.

An event that belongs to a business write never comes here: it goes into that write's own
transaction with ``record`` (DESIGN: writes that belong together are one transaction).
"""

from __future__ import annotations

import threading
from typing import Any

from idp.audit import chain, counted, sqlite_batch
from idp.audit.events import EventType, Outcome
from idp.audit.record import Actor, new_pending_event
from idp.db import Database, is_unavailable, utcnow
from idp.metrics import audit_queue_depth


class AuditWriteError(RuntimeError):
    """The batch holding this caller's event was not committed."""


class _Ticket:
    __slots__ = ("done", "error", "event")

    def __init__(self, event: Any) -> None:
        self.event = event
        self.done = False
        self.error: BaseException | None = None


class GroupCommit:
    """One per process and database; thread-safe."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._queue: list[_Ticket] = []
        self._queue_lock = threading.Lock()
        self._writer = threading.Lock()
        # Where the last committed batch left its chain (day, lane, hash): the next batch
        # extends it without reading it first (chain.append_many guards it). Writer's only.
        self._head: tuple[Any, int, str] | None = None

    def record(
        self, type: EventType, outcome: Outcome = Outcome.SUCCESS, *,
        actor: Actor | None = None, account_id: str | None = None,
        username: str | None = None, client_id: str | None = None, **detail: Any,
    ) -> None:
        """Write one event (``record``'s arguments, no session); returns once it is committed,
        raises AuditWriteError if it could not be."""
        ticket = _Ticket(new_pending_event(type, outcome, actor=actor, account_id=account_id,
                                           username=username, client_id=client_id, **detail))
        with self._queue_lock:  # stamped in queue order, so a batch is in time order too
            ticket.event.at = utcnow()
            self._queue.append(ticket)
            audit_queue_depth(len(self._queue))
        with self._writer:
            if not ticket.done:  # no earlier leader took it: lead a batch
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                    audit_queue_depth(0)
                self._write(batch)
        if ticket.error is not None or not ticket.done:
            raise AuditWriteError("audit event not written") from ticket.error

    def _write(self, batch: list[_Ticket]) -> None:
        error: BaseException | None = None
        try:
            self._head, known = None, self._head  # kept again only once committed
            events = [ticket.event for ticket in batch]
            # SQLite: that usual batch on a plain connection (sqlite_batch), the rest as before.
            plain = self._db.plain
            head = sqlite_batch.extend_known(plain, events, known) if plain else None
            if head is None:
                with self._db.write() as conn:
                    head = chain.append_many(conn, events, known)
            self._head = head
        except BaseException as exc:  # every waiter of the batch learns it failed
            error = exc
            if not isinstance(exc, Exception):
                raise
        else:
            counted.count(ticket.event for ticket in batch)  # /metrics, once committed
        finally:
            if error is not None and is_unavailable(error):
                # The database is down or silent: callers queued behind this batch would each
                # lead their own batch into the same timeout, one after another. They fail now.
                with self._queue_lock:
                    batch, self._queue = batch + self._queue, []
            for ticket in batch:
                ticket.error = error
                ticket.done = True
