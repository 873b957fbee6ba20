"""Authorization requests waiting for login, the account chooser or consent, in the Store.

Parameters are kept as sent (lists, so repeated parameters stay detectable). Pushed requests
(RFC 9126) are kept apart: ``pushed_requests``.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import asdict, dataclass, field

from idp.sso.session import is_token_id
from idp.store import Store, get_json, put_json

PENDING_TTL = 30 * 60  # as long as a login request lives

Params = dict[str, list[str]]


@dataclass
class Pending:
    params: Params
    created_at: int = field(default_factory=lambda: int(time.time()))
    id: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    account_selected: bool = False  # prompt=select_account answered (chooser or new login)


def save(store: Store, pending: Pending) -> str:
    put_json(store, f"oidc-pending:{pending.id}", asdict(pending), PENDING_TTL)
    return pending.id


def load(store: Store, pending_id: str | None) -> Pending | None:
    """The kept request, or None when pending_id is missing, malformed, unknown or expired."""
    data = get_json(store, f"oidc-pending:{pending_id}") if is_token_id(pending_id) else None
    return Pending(**data) if data else None


def drop(store: Store, pending_id: str) -> None:
    store.delete(f"oidc-pending:{pending_id}")

