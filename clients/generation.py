"""The client registry's generation: how every node learns at once that a client changed.

Nodes keep OIDC clients in process (``clients.cache``) so the token endpoint does not read a
row per request. Any committed change to a client (registered, updated, disabled, secret
rotated, deleted; from the console, the CLI, RFC 7592 or any other path) writes a new random
generation into the Store every node shares. A node compares that one small value with the
one its cached clients were read under before trusting them, so a disabled client or a rotated
secret is refused on the very next request anywhere.

Changes are seen by the ORM's flush (``session.new/dirty/deleted`` holding an ``OidcClient``)
and announced after the commit, never before: a node that reads the new generation then
reads the committed row.
"""

from __future__ import annotations

import logging
import secrets
from itertools import chain
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.orm import Session

from clients.models import OidcClient

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from idp.db import Database
    from idp.store import Store

log = logging.getLogger(__name__)

KEY = "clients:generation"
TTL_SECONDS = 400 * 24 * 3600  # far longer than any node runs; expiring only flushes caches
_CHANGED = "yiwang.clients_changed"
_announcers: WeakKeyDictionary[Engine, ClientGeneration] = WeakKeyDictionary()


class ClientGeneration:
    """The shared generation in the Store (None until the first change)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def current(self) -> str | None:
        """The generation now; raises what the Store raises when it cannot answer."""
        return self.store.get(KEY)

    def bump(self) -> None:
        self.store.put(KEY, secrets.token_hex(8), TTL_SECONDS)


def announce_changes(db: Database, store: Store) -> None:
    """Bump the generation after every commit that changed a client on this database."""
    _announcers[db.engine] = ClientGeneration(store)


@event.listens_for(Session, "after_flush")
def _note_client_changes(session: Session, _context) -> None:
    if any(isinstance(row, OidcClient)
           for row in chain(session.new, session.dirty, session.deleted)):
        session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _announce(session: Session) -> None:
    if not session.info.pop(_CHANGED, False):
        return
    generation = _announcers.get(session.get_bind())
    if generation is None:
        return
    try:
        generation.bump()
    except Exception:  # noqa: BLE001 - the change is committed; caches still expire (TTL)
        log.warning("could not announce a client change; other nodes see it within their "
                    "cache's time to live", exc_info=True)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_CHANGED, None)
