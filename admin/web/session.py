"""The console session: its own keys in the signed Flask session, separate from the SSO
session, with the console's own timeouts (idle 15 minutes, absolute 8 hours).

Roles are not kept here: they are read from the database on every request, so a revoked role
takes effect at once.
"""

from __future__ import annotations

import time
from typing import Any

from flask import session

KEY = "admin_console"
ATTEMPT = "admin_signin"
IDLE_SECONDS = 15 * 60
ABSOLUTE_SECONDS = 8 * 3600
_TOUCH_EVERY = 30


def start(account_id: str, username: str, now: int | None = None) -> None:
    now = now or int(time.time())
    session.pop(ATTEMPT, None)
    session.pop("csrf", None)  # a fresh CSRF token for the signed-in console (no fixation)
    session[KEY] = {"account_id": account_id, "username": username, "started": now,
                    "seen": now}


def current(now: int | None = None) -> dict[str, Any] | None:
    """The live console session's values, or None (an expired one is removed)."""
    data = session.get(KEY)
    if not isinstance(data, dict):
        return None
    now = now or int(time.time())
    expired = now >= data.get("started", 0) + ABSOLUTE_SECONDS
    if expired or now >= data.get("seen", 0) + IDLE_SECONDS:
        end()
        return None
    if now - data["seen"] >= _TOUCH_EVERY:
        data["seen"] = now
        session[KEY] = data
    return data


def end() -> None:
    session.pop(KEY, None)
    session.pop(ATTEMPT, None)
