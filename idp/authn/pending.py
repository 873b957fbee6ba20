"""A login between its password step and the rest (a forced password change, the second
factor), kept in the Store (any node may serve the next step). The browser holds only the
random id, in its signed Flask session."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import asdict, dataclass, field

PENDING_TTL = 10 * 60


@dataclass
class PendingLogin:
    account_id: str
    username: str
    person_level: int
    door: str  # "person" | "legal"
    login_id: str | None = None  # the LoginRequest being served, if any
    must_change_password: bool = False  # a new password is owed before anything else
    second_factor: bool = False  # an authenticator app or a passkey: it comes next
    id: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    created_at: int = field(default_factory=lambda: int(time.time()))


def save_pending(store, pending: PendingLogin) -> str:
    store.put(f"authn-pending:{pending.id}", json.dumps(asdict(pending)), PENDING_TTL)
    return pending.id


def load_pending(store, pending_id: str | None) -> PendingLogin | None:
    raw = store.get(f"authn-pending:{pending_id}") if pending_id else None
    return PendingLogin(**json.loads(raw)) if raw else None


def drop_pending(store, pending_id: str) -> None:
    store.delete(f"authn-pending:{pending_id}")

