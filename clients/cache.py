"""A per-process cache of client rows for the token endpoint's hot path.

Looking a client up costs a database round trip (about 0.7 ms on PostgreSQL here) on every
token, introspection and revocation request. With ``generation`` (``clients.generation``, the
Store value every client change replaces) the cache holds each client until the generation
moves, reading that one value per look-up instead of the row: a change made on any node is
seen at once. ``max_age`` still bounds an entry, in case a change could not be announced.
When the Store cannot answer, or without ``generation``, an entry lives ``ttl`` seconds: a
change reaches every node within that. ``ttl=0`` disables caching.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from clients.models import OidcClient
from clients.registry import get_client, secret_key

if TYPE_CHECKING:
    from clients.generation import ClientGeneration
    from idp.db import Database
    from keys.data_keys import Keyring

MAX_ENTRIES = 4096  # far above the 250+ relying parties; bounds memory under junk client ids
MAX_AGE = 60.0  # seconds an entry is trusted even while the generation stands still
_UNREADABLE = object()  # the Store did not answer: fall back to ttl


class ClientCache:
    def __init__(self, db: Database, keyring: Keyring, ttl: float = 5.0,
                 generation: ClientGeneration | None = None, max_age: float = MAX_AGE) -> None:
        self.db, self.keyring, self.ttl = db, keyring, ttl
        self.generation, self.max_age = generation, max_age
        self._entries: dict[str, tuple[float, OidcClient | None]] = {}
        self._seen: object = _UNREADABLE  # the generation the entries were read under
        self._lock = threading.Lock()

    def get(self, client_id: str | None) -> OidcClient | None:
        """The client (with its secret key attached, disabled ones included), or None.
        The returned object is shared: read it, never change it."""
        if not client_id:
            return None
        if self.ttl <= 0:
            return self._read(client_id)
        now = time.monotonic()
        lifetime, under_generation = self._lifetime()
        with self._lock:
            hit = self._entries.get(client_id)
        if hit is not None and now - hit[0] < lifetime:
            return hit[1]
        client = self._read(client_id)
        # Unknown ids are cached only under a generation (a registration moves it); without
        # one they would hide a client registered elsewhere for ttl seconds.
        if client is not None or under_generation:
            with self._lock:
                if len(self._entries) >= MAX_ENTRIES:
                    self._entries.clear()
                self._entries[client_id] = (now, client)
        return client

    def forget(self, client_id: str | None = None) -> None:
        """Drop one client (or all) so the next read sees the database."""
        with self._lock:
            if client_id is None:
                self._entries.clear()
            else:
                self._entries.pop(client_id, None)

    def _lifetime(self) -> tuple[float, bool]:
        """How long entries may be trusted now, and whether a generation vouches for them;
        forgets them all if the generation moved."""
        if self.generation is None:
            return self.ttl, False
        try:
            current: object = self.generation.current()
        except Exception:  # noqa: BLE001 - the Store is down: the short ttl keeps serving
            return self.ttl, False
        if current != self._seen:
            with self._lock:
                if current != self._seen:
                    self._entries.clear()
                    self._seen = current
        return self.max_age, True

    def _read(self, client_id: str | None) -> OidcClient | None:
        key = secret_key(self.keyring)
        with self.db.session() as session:
            client = get_client(session, client_id)
        return None if client is None else client.attach_secret_key(key)
