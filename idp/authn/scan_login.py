"""Scan to log in (扫码登录): the PC's login page shows a QR code; the provincial app, where the
person is logged in, scans it, shows which site and which browser ask, and confirms or denies;
the browser that showed the code then finishes the login.

Against phishing (a fake site relaying our QR code to a victim): the request is bound to the
browser that showed it (a random secret in a cookie, only its SHA-256 kept here), lives
``SCAN_TTL`` seconds, is used once (``take``), and what the app shows names the site and the
browser's IP and user agent. The browser gets the app session's level (the access token's
``acr``, never above the account's level now) and ``amr`` ["mca"] (RFC 8176: multiple-channel
authentication, the second channel being the app).

State moves waiting → scanned → confirmed | denied by compare-and-set in the Store
(``idp.store.change``), so two phones cannot both decide, and a decision cannot be changed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from idp.accounts.enums import AccountClass
from idp.accounts.service import get_person
from idp.audit import Actor, EventType, Outcome
from idp.store import change

if TYPE_CHECKING:
    from idp.services import Services

SCAN_TTL = 120  # seconds a QR code can be confirmed and used
KEEP = 10 * 60  # the entry outlives its use-by time so an expiry can be told and audited
AMR = "mca"
MAX_USER_AGENT = 300
SHOWN_PER_IP = 60  # QR codes one client IP may be shown per window
SHOWN_WINDOW = 10 * 60


class ScanState(StrEnum):
    WAITING = "waiting"
    SCANNED = "scanned"  # the app has read it and shows it to the person
    CONFIRMED = "confirmed"
    DENIED = "denied"
    EXPIRED = "expired"


class ScanRefusal(StrEnum):
    UNKNOWN = "unknown"  # no such request (or long gone)
    EXPIRED = "expired"
    DECIDED = "decided"  # already confirmed or denied (by this app or another)
    ACCOUNT = "account"  # the app's account may not log in this way (disabled, staff)
    BROWSER = "browser"  # finished from a browser that did not show the code
    NOT_CONFIRMED = "not_confirmed"


@dataclass(frozen=True)
class ScanRequest:
    id: str
    browser_hash: str  # SHA-256 of the browser's scan cookie
    created_at: int
    login_id: str | None = None  # the LoginRequest the browser is serving
    site: str | None = None  # the relying party's name, shown on the phone
    client_id: str | None = None
    ip: str | None = None  # the browser's, shown on the phone
    user_agent: str | None = None
    state: str = ScanState.WAITING
    account_id: str | None = None  # set by the confirmation
    username: str | None = None
    level: int | None = None

    def expired(self, now: int) -> bool:
        return now - self.created_at >= SCAN_TTL

    @property
    def expires_at(self) -> int:
        return self.created_at + SCAN_TTL


def new_browser_secret() -> str:
    return secrets.token_urlsafe(32)


def browser_hash(secret: str | None) -> str:
    return hashlib.sha256((secret or "").encode()).hexdigest()


def start_scan(services: Services, actor: Actor, secret: str, *, login_id: str | None,
               site: str | None, client_id: str | None,
               now: int | None = None) -> ScanRequest | None:
    """A new QR request bound to the browser holding ``secret``; audited as shown. None when
    the client IP has asked for ``SHOWN_PER_IP`` codes in the last ``SHOWN_WINDOW`` seconds
    (each is a Store entry and an audit event: a page reloaded in a loop must not grow them
    without bound)."""
    now = now or int(time.time())
    if actor.ip and services.store.incr(
            f"scan-shown:{actor.ip}:{now // SHOWN_WINDOW}", SHOWN_WINDOW) > SHOWN_PER_IP:
        return None
    request = ScanRequest(
        id=secrets.token_urlsafe(18), browser_hash=browser_hash(secret),
        created_at=now, login_id=login_id, site=site, client_id=client_id,
        ip=actor.ip, user_agent=(actor.user_agent or "")[:MAX_USER_AGENT] or None)
    services.store.put(_key(request.id), _dump(request), KEEP)
    _audit(services, actor, request, "shown")
    return request


def load_scan(services: Services, request_id: str | None) -> ScanRequest | None:
    raw = services.store.get(_key(request_id)) if request_id and len(request_id) < 64 else None
    return _load(raw) if raw else None


def state_for_browser(services: Services, request_id: str | None, secret: str | None,
                      now: int | None = None) -> ScanState | None:
    """What the page that showed the code may know (None: not this browser's request)."""
    request = load_scan(services, request_id)
    if request is None or not _same_browser(request, secret):
        return None
    if request.state in (ScanState.WAITING, ScanState.SCANNED) and request.expired(
            now or int(time.time())):
        return ScanState.EXPIRED
    return ScanState(request.state)


def scanned_by_app(services: Services, actor: Actor, request_id: str, account_id: str,
                   now: int | None = None) -> ScanRequest | ScanRefusal:
    """The app read the code: what it must show (site, browser IP, user agent); the page
    then says "scanned, confirm on your phone". Audited once."""
    now = now or int(time.time())
    request = load_scan(services, request_id)
    refusal = _open(services, actor, request, now)
    if refusal is not None:
        return refusal
    if request.state == ScanState.WAITING:
        scanned = replace(request, state=ScanState.SCANNED)
        if _swap(services, request, scanned):
            _audit(services, actor, scanned, "scanned", account_id=account_id)
            return scanned
    return load_scan(services, request_id) or ScanRefusal.UNKNOWN


def decide(services: Services, actor: Actor, request_id: str, *, account_id: str, acr: str,
           confirm: bool, now: int | None = None) -> ScanRequest | ScanRefusal:
    """The person confirms (their account and level go to the request) or denies; once."""
    now = now or int(time.time())
    request = load_scan(services, request_id)
    refusal = _open(services, actor, request, now)
    if refusal is not None:
        return refusal
    if confirm:
        person = get_person(services, account_id)
        if person is None or person.disabled or person.account_class == AccountClass.STAFF:
            _audit(services, actor, request, "refused", outcome=Outcome.FAILURE,
                   account_id=account_id, reason=ScanRefusal.ACCOUNT)
            return ScanRefusal.ACCOUNT
        level = min(_level(acr), person.assurance_level)
        decided = replace(request, state=ScanState.CONFIRMED, account_id=person.id,
                          username=person.username, level=level)
    else:
        decided = replace(request, state=ScanState.DENIED, account_id=account_id)
    if not _swap(services, request, decided):
        return ScanRefusal.DECIDED
    _audit(services, actor, decided, "confirmed" if confirm else "denied",
           account_id=account_id, **({"level": decided.level} if confirm else {}))
    return decided


def use_scan(services: Services, actor: Actor, request_id: str | None, secret: str | None,
             now: int | None = None) -> ScanRequest | ScanRefusal:
    """The browser that showed the code finishes the login: the confirmed request, used up
    (single use); a refusal otherwise (a request not yet confirmed stays for another try)."""
    now = now or int(time.time())
    request = load_scan(services, request_id)
    if request is None:
        return ScanRefusal.UNKNOWN
    if not _same_browser(request, secret):
        _audit(services, actor, request, "refused", outcome=Outcome.FAILURE,
               reason=ScanRefusal.BROWSER)
        return ScanRefusal.BROWSER
    if request.expired(now):
        _expire(services, actor, request)
        return ScanRefusal.EXPIRED
    if request.state != ScanState.CONFIRMED:
        return ScanRefusal.DECIDED if request.state == ScanState.DENIED else \
            ScanRefusal.NOT_CONFIRMED
    taken = services.store.take(_key(request.id))
    if taken is None or _load(taken) != request:  # another tab used it first
        return ScanRefusal.UNKNOWN
    _audit(services, actor, request, "used", account_id=request.account_id)
    return request


def _open(services: Services, actor: Actor, request: ScanRequest | None,
          now: int) -> ScanRefusal | None:
    """Why the app may not act on the request now, or None."""
    if request is None:
        return ScanRefusal.UNKNOWN
    if request.expired(now):
        _expire(services, actor, request)
        return ScanRefusal.EXPIRED
    if request.state not in (ScanState.WAITING, ScanState.SCANNED):
        return ScanRefusal.DECIDED
    return None


def _expire(services: Services, actor: Actor, request: ScanRequest) -> None:
    """Mark an unused request expired, audited once (whoever sees it first)."""
    if request.state == ScanState.EXPIRED:
        return
    if _swap(services, request, replace(request, state=ScanState.EXPIRED)):
        _audit(services, actor, request, "expired", outcome=Outcome.FAILURE)


def _swap(services: Services, old: ScanRequest, new: ScanRequest) -> bool:
    """Replace ``old`` by ``new`` unless someone changed it first."""
    before = _dump(old)

    def mutate(current: str | None):
        if current is None or current != before:
            return None
        return _dump(new), KEEP

    return change(services.store, _key(old.id), mutate)


def _same_browser(request: ScanRequest, secret: str | None) -> bool:
    return bool(secret) and hmac.compare_digest(request.browser_hash, browser_hash(secret))


def _level(acr: str | None) -> int:
    try:
        return max(1, min(3, int(acr or 1)))
    except ValueError:
        return 1


def _audit(services: Services, actor: Actor, request: ScanRequest, action: str, *,
           outcome: Outcome = Outcome.SUCCESS, account_id: str | None = None, **detail) -> None:
    services.audit_batch.record(
        EventType.LOGIN_SCAN, outcome, actor=actor, account_id=account_id,
        client_id=request.client_id, action=action, request=request.id, **detail)


def _dump(request: ScanRequest) -> str:
    return json.dumps(asdict(request), sort_keys=True)


def _load(raw: str) -> ScanRequest:
    return ScanRequest(**json.loads(raw))


def _key(request_id: str | None) -> str:
    return f"scan-login:{request_id}"
