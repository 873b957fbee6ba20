"""Showing a new client secret exactly once, after a redirect (POST/redirect/GET).

The secret waits sealed in the Store under a random key bound to the administrator, for five
minutes; the page that shows it takes it (atomic get-and-delete), so reloading that page, or
the browser's back button, never shows it again, and re-posting the form is impossible.
"""

from __future__ import annotations

import json
import secrets

from idp.services import services

TTL_SECONDS = 300
_CONTEXT = "admin-console:one-time-secret"


def keep(admin_id: str, client_id: str, secret: str) -> str:
    """Park the secret; returns the key the redirect carries."""
    key = secrets.token_urlsafe(18)
    svc = services()
    sealed = svc.cipher.seal(json.dumps({"admin": admin_id, "client_id": client_id,
                                         "secret": secret}), _CONTEXT)
    svc.store.put(f"admin-once:{key}", sealed, TTL_SECONDS)
    return key


def take(admin_id: str, client_id: str, key: str) -> str | None:
    """The parked secret, once; None if taken, expired, or parked for someone else."""
    svc = services()
    sealed = svc.store.take(f"admin-once:{key[:64]}") if key else None
    if not sealed:
        return None
    data = json.loads(svc.cipher.open(sealed, _CONTEXT))
    if data["admin"] != admin_id or data["client_id"] != client_id:
        return None
    return data["secret"]
