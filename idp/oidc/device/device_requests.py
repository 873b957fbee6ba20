"""One device authorization request in the Store, from the device's first call to its tokens.

Keys, each read or written alone (one key per operation, as ``idp.store.redis_store`` asks):

- ``device:<id>``: the request (client, scope, user code, status, and once approved the
  person's session facts), kept ``GRACE_SECONDS`` past its expiry so a late poll is told
  ``expired_token`` rather than that the code is unknown;
- ``device-user:<code>``: the user code -> the request id, until the person answers or it
  expires;
- ``device-poll:<id>`` and ``device-slow:<id>``: the polling pace (RFC 8628 §3.5).

The device code is ``<id>.<secret>``; only a hash of the secret is kept, so the Store's
content cannot be used to poll.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from idp.oidc.device.user_codes import new_user_code
from idp.store import Store, change

GRACE_SECONDS = 600
SLOW_DOWN_STEP = 5  # RFC 8628 §3.5: each slow_down adds 5 seconds to the interval


class Status(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"


@dataclass
class DeviceRequest:
    id: str
    client_id: str
    scope: str
    user_code: str  # normal form (user_codes.normalised)
    secret_hash: str
    created_at: int
    expires_at: int
    interval: int
    status: str = Status.PENDING
    # When approved: the session's facts the tokens carry (idp.oidc.end_user.EndUser fields).
    user: dict[str, Any] | None = None

    @property
    def expired(self) -> bool:
        return time.time() >= self.expires_at

    @property
    def pending(self) -> bool:
        return self.status == Status.PENDING and not self.expired


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _key(request_id: str) -> str:
    return f"device:{request_id}"


def _user_key(user_code: str) -> str:
    return f"device-user:{user_code}"


def _ttl(request: DeviceRequest) -> int:
    return max(1, int(request.expires_at - time.time()) + GRACE_SECONDS)


def _dump(request: DeviceRequest) -> str:
    return json.dumps(asdict(request), separators=(",", ":"))


def create(store: Store, client_id: str, scope: str, lifetime: int,
           interval: int) -> tuple[DeviceRequest, str]:
    """A new pending request and its device code. The user code is claimed with set-if-absent,
    so two live requests never share one."""
    request_id, secret = secrets.token_urlsafe(16), secrets.token_urlsafe(32)
    now = int(time.time())
    for _ in range(5):
        user_code = new_user_code()
        if store.add(_user_key(user_code), request_id, lifetime):
            break
    else:  # 20^8 codes: five collisions in a row mean something else is wrong
        raise RuntimeError("no free user code after 5 tries")
    request = DeviceRequest(id=request_id, client_id=client_id, scope=scope,
                            user_code=user_code, secret_hash=_hash(secret), created_at=now,
                            expires_at=now + lifetime, interval=interval)
    store.put(_key(request_id), _dump(request), _ttl(request))
    return request, f"{request_id}.{secret}"


def load(store: Store, request_id: str | None) -> DeviceRequest | None:
    raw = store.get(_key(request_id)) if request_id else None
    return DeviceRequest(**json.loads(raw)) if raw else None


def by_device_code(store: Store, device_code: str) -> DeviceRequest | None:
    """The request a device code names, when its secret part matches."""
    request_id, _, secret = device_code.partition(".")
    request = load(store, request_id) if secret else None
    if request is None or not hmac.compare_digest(request.secret_hash, _hash(secret)):
        return None
    return request


def by_user_code(store: Store, user_code: str) -> DeviceRequest | None:
    """The pending request a (normalised) user code names."""
    request = load(store, store.get(_user_key(user_code)))
    return request if request is not None and request.pending else None


def decide(store: Store, request_id: str, user: dict[str, Any] | None) -> DeviceRequest | None:
    """Record the person's answer: approved for ``user`` (the session's facts), or denied
    (None). Only a pending, unexpired request changes, once (compare-and-set: a second tab's
    answer loses); the user code is then spent. The changed request, or None."""
    decided: list[DeviceRequest] = []

    def answer(raw: str | None) -> tuple[str, int] | None:
        request = DeviceRequest(**json.loads(raw)) if raw else None
        if request is None or not request.pending:
            return None
        request.status = Status.APPROVED if user is not None else Status.DENIED
        request.user = user
        decided[:] = [request]
        return _dump(request), _ttl(request)

    if not change(store, _key(request_id), answer):
        return None
    store.delete(_user_key(decided[0].user_code))
    return decided[0]


def take_answered(store: Store, request_id: str) -> DeviceRequest | None:
    """Take an answered request out of the Store: of concurrent polls exactly one gets it,
    so a device code yields tokens (or access_denied) once."""
    raw = store.take(_key(request_id))
    return DeviceRequest(**json.loads(raw)) if raw else None


def polled_too_soon(store: Store, request: DeviceRequest) -> bool:
    """RFC 8628 §3.5: a poll sooner than the interval since the last one is ``slow_down``,
    and from then on the interval is 5 seconds longer (counted from this answer)."""
    slowed = int(store.get(f"device-slow:{request.id}") or 0)
    interval = request.interval + SLOW_DOWN_STEP * slowed
    if store.add(f"device-poll:{request.id}", "1", interval):
        return False
    slowed = store.incr(f"device-slow:{request.id}", _ttl(request))
    store.put(f"device-poll:{request.id}", "1", request.interval + SLOW_DOWN_STEP * slowed)
    return True
