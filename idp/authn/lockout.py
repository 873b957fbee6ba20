"""Brute-force protection in the Store, shared by every node (as Keycloak's detector).

Failures are counted per subject (an account, or for an unknown username a digest of it, so
both are counted and answered alike) and per client IP within ``lockout_window_seconds``.
After ``lockout_free_failures`` each failure imposes a doubling delay during which attempts are
refused before the password is checked; at ``lockout_threshold`` the subject is locked for
``lockout_seconds``. An IP reaching ``ip_failure_threshold`` is locked the same way.
A block is stored as "<reason>:<until>" so callers (and tests) can pass their own ``now``.
The same key holds "counted:0" while failures are being counted without a block, and lives at
least as long as the counter: a login whose check found no such key knows there is no counter
to reset, and spares the Store that read (most logins follow no failure).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from idp.settings import Settings
from idp.store import Store

if TYPE_CHECKING:
    from idp.services import Services

COUNTED = "counted"  # failures counted, no block in force


class Refusal(StrEnum):
    """Why an attempt was refused; also what a login step answers its page with."""

    DELAYED = "delayed"  # a doubling delay after repeated failures
    LOCKED = "locked"  # locked for lockout_seconds
    BAD_CREDENTIALS = "bad_credentials"  # wrong password or unknown user (told apart nowhere)
    BAD_CODE = "bad_code"  # a wrong, reused or expired second-factor code
    DISABLED = "disabled"  # audited only: the page says bad_credentials


class BlockScope(StrEnum):
    ACCOUNT = "account"
    IP = "ip"


@dataclass(frozen=True)
class Block:
    reason: Refusal  # DELAYED or LOCKED
    until: int
    scope: BlockScope = BlockScope.ACCOUNT


def subject_for(account_id: str | None, username: str) -> str:
    """The counting key: the account when it exists, else a digest of the typed username."""
    if account_id:
        return f"a:{account_id}"
    return "u:" + hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]


class Lockout:
    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.s = settings

    def check(self, subject: str, ip: str | None, now: int | None = None) -> Block | None:
        """The block in force for this subject or IP, or None when an attempt may proceed."""
        return self.state(subject, ip, now)[0]

    def state(
        self, subject: str, ip: str | None, now: int | None = None
    ) -> tuple[Block | None, bool]:
        """(the block in force or None, whether the subject has failures being counted)."""
        now = now or int(time.time())
        counted = False
        for key, scope in ((f"bf:block:{subject}", BlockScope.ACCOUNT),
                           (f"bf:ipblock:{ip}", BlockScope.IP)):
            if scope == BlockScope.IP and not ip:
                continue
            raw = self.store.get(key)
            if raw:
                reason, until = raw.split(":", 1)
                counted = counted or scope == BlockScope.ACCOUNT
                if reason != COUNTED and int(until) > now:
                    return Block(Refusal(reason), int(until), scope), counted
        return None, counted

    def failure(self, subject: str, ip: str | None, now: int | None = None, *,
                account_id: str | None = None) -> list[Block]:
        """Count one failure; returns the lockouts that began with it (to be audited). When
        the account's own lock begins, its owner is told at the next login (account_id)."""
        now = now or int(time.time())
        started: list[Block] = []
        window = self.s.lockout_window_seconds
        count = self.store.incr(f"bf:n:{subject}", window)
        key = f"bf:block:{subject}"
        if count >= self.s.lockout_threshold:
            until = now + self.s.lockout_seconds
            self._block(key, Refusal.LOCKED, until, now, window)
            started.append(Block(Refusal.LOCKED, until, BlockScope.ACCOUNT))
        elif count > self.s.lockout_free_failures and self._delay(count) > 0:
            self._block(key, Refusal.DELAYED, now + self._delay(count), now, window)
        elif count == 1:  # counting starts: mark it where check() looks anyway
            self.store.put(key, f"{COUNTED}:0", window)
        if ip:
            if self.store.incr(f"bf:ip:{ip}", window) >= self.s.ip_failure_threshold:
                until = now + self.s.lockout_seconds
                self._block(f"bf:ipblock:{ip}", Refusal.LOCKED, until, now)
                self.store.delete(f"bf:ip:{ip}")
                started.append(Block(Refusal.LOCKED, until, BlockScope.IP))
        if account_id and any(b.scope == BlockScope.ACCOUNT for b in started):
            remember_lockout(self.store, account_id, now, window)
        return started

    def success(self, subject: str, counted: bool = True) -> bool:
        """A successful login resets the subject's counter; True when there was one (only
        then can a lockout notice be waiting). ``counted`` is what ``state`` said: False
        (no failures being counted) means there is nothing to read or reset."""
        if not counted:
            return False
        had = self.store.take(f"bf:n:{subject}") is not None
        self.store.delete(f"bf:block:{subject}")
        return had

    def clear(self, subject: str) -> None:
        """Lift any block and restart counting (a zero counter, so the next successful login
        still looks for the lockout notice)."""
        window = self.s.lockout_window_seconds
        self.store.put(f"bf:n:{subject}", "0", window)
        self.store.put(f"bf:block:{subject}", f"{COUNTED}:0", window)

    def _delay(self, count: int) -> int:
        exponent = count - self.s.lockout_free_failures - 1
        return min(self.s.lockout_delay_seconds * 2**exponent, self.s.lockout_max_delay_seconds)

    def _block(self, key: str, reason: str, until: int, now: int, keep: int = 0) -> None:
        # A subject's key outlives its block by up to ``keep`` (the window): "counted".
        self.store.put(key, f"{reason}:{until}", max(1, until - now + 1, keep))


# A lockout is shown to the account on its next successful login ("您的账号在 … 被临时锁定").
def remember_lockout(store: Store, account_id: str, at: int, window: int) -> None:
    store.put(f"bf:notice:{account_id}", str(at), window)


def take_lockout_notice(store: Store, account_id: str) -> int | None:
    """When the account was last locked, once (reads first, writes only when there is one)."""
    key = f"bf:notice:{account_id}"
    if store.get(key) is None:
        return None
    raw = store.take(key)
    return int(raw) if raw else None


def unlock(services: Services, account_id: str, actor=None) -> None:
    """Lift an account's delay or lockout and reset its counter (admin console); audited."""
    from idp.audit import EventType, record

    Lockout(services.store, services.settings).clear(subject_for(account_id, ""))
    with services.db.begin() as session:
        record(session, EventType.ACCOUNT_UNLOCK, actor=actor, account_id=account_id)
