"""Authorization requests waiting for login or consent, and pushed ones (RFC 9126), in the
Store. Parameters are kept as sent (lists, so repeated parameters stay detectable)."""

from __future__ import annotations

import secrets
import time
from dataclasses import asdict, dataclass, field

from idp.sso.session import is_token_id
from idp.store import Store, get_json, put_json, take_json

PENDING_TTL = 30 * 60  # as long as a login request lives
PAR_TTL = 60  # RFC 9126 §2.2: a short-lived, single-use reference
PAR_URN = "urn:ietf:params:oauth:request_uri:"

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


def push(store: Store, client_id: str, params: Params) -> str:
    """Keep a pushed request; returns its request_uri."""
    reference = secrets.token_urlsafe(24)
    put_json(store, f"oidc-par:{reference}", {"client_id": client_id, "params": params}, PAR_TTL)
    return PAR_URN + reference


def take_pushed(store: Store, request_uri: str, client_id: str | None) -> Params | None:
    """The pushed parameters, once, if request_uri is ours and client_id matches."""
    if not request_uri.startswith(PAR_URN):
        return None
    data = take_json(store, f"oidc-par:{request_uri[len(PAR_URN):]}")
    if data is None or data["client_id"] != client_id:
        return None
    return data["params"]
