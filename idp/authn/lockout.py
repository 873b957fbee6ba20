"""Brute-force protection in the Store, shared by every node (as Keycloak's detector).

Failures are counted per subject (an account, or for an unknown username a digest of it, so
both are counted and answered alike) and per client IP within ``lockout_window_seconds``.
After ``lockout_free_failures`` each failure imposes a doubling delay during which attempts are
refused before the password is checked; at ``lockout_threshold`` the subject is locked for
``lockout_seconds``. An IP reaching ``ip_failure_threshold`` is locked the same way.
A block is stored as "<reason>:<until>" so callers (and tests) can pass their own ``now``.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from idp.settings import Settings
from idp.store import Store


@dataclass(frozen=True)
class Block:
    reason: str  # "delayed" | "locked"
    until: int
    scope: str = "account"  # "account" | "ip"


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
        now = now or int(time.time())
        for key, scope in ((f"bf:block:{subject}", "account"), (f"bf:ipblock:{ip}", "ip")):
            if scope == "ip" and not ip:
                continue
            raw = self.store.get(key)
            if raw:
                reason, until = raw.split(":", 1)
                if int(until) > now:
                    return Block(reason, int(until), scope)
        return None

    def failure(self, subject: str, ip: str | None, now: int | None = None) -> list[Block]:
        """Count one failure; returns the lockouts that began with it (to be audited)."""
        now = now or int(time.time())
        started: list[Block] = []
        window = self.s.lockout_window_seconds
        count = self.store.incr(f"bf:n:{subject}", window)
        if count >= self.s.lockout_threshold:
            until = now + self.s.lockout_seconds
            self._block(f"bf:block:{subject}", "locked", until, now)
            started.append(Block("locked", until, "account"))
        elif count > self.s.lockout_free_failures:
            exponent = count - self.s.lockout_free_failures - 1
            delay = min(
                self.s.lockout_delay_seconds * 2**exponent, self.s.lockout_max_delay_seconds
            )
            if delay > 0:
                self._block(f"bf:block:{subject}", "delayed", now + delay, now)
        if ip:
            if self.store.incr(f"bf:ip:{ip}", window) >= self.s.ip_failure_threshold:
                until = now + self.s.lockout_seconds
                self._block(f"bf:ipblock:{ip}", "locked", until, now)
                self.store.delete(f"bf:ip:{ip}")
                started.append(Block("locked", until, "ip"))
        return started

    def success(self, subject: str) -> bool:
        """A successful login resets the subject's counter; True when there was one (only
        then can a lockout notice be waiting). Reads first: most logins have none."""
        if self.store.get(f"bf:n:{subject}") is None:
            return False
        self.store.delete(f"bf:n:{subject}")
        self.store.delete(f"bf:block:{subject}")
        return True

    def clear(self, subject: str) -> None:
        """Lift any block and restart counting (a zero counter, so the next successful login
        still looks for the lockout notice)."""
        self.store.put(f"bf:n:{subject}", "0", self.s.lockout_window_seconds)
        self.store.delete(f"bf:block:{subject}")

    def _block(self, key: str, reason: str, until: int, now: int) -> None:
        self.store.put(key, f"{reason}:{until}", max(1, until - now + 1))


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


def unlock(services, account_id: str, actor=None) -> None:
    """Lift an account's delay or lockout and reset its counter (admin console); audited."""
    from idp.audit import EventType, record

    Lockout(services.store, services.settings).clear(subject_for(account_id, ""))
    with services.db.begin() as session:
        record(session, EventType.ACCOUNT_UNLOCK, actor=actor, account_id=account_id)
