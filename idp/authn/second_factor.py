"""The second-factor step of a login: a TOTP code or a recovery code, counted like passwords.

Failures count towards the same brute-force limits as wrong passwords, so guessing six digits
is as slow as guessing a password.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from idp.audit import Actor, EventType, Outcome, record
from idp.authn.lockout import Lockout, Refusal, subject_for
from idp.authn.password_login import observe_failure
from idp.authn.pending import PendingLogin
from idp.authn.recovery import use_recovery_code
from idp.authn.totp import verify_totp
from idp.params import is_digits

if TYPE_CHECKING:
    from idp.services import Services


@dataclass(frozen=True)
class SecondFactorResult:
    method: str | None = None  # "totp" | "recovery" on success
    error: Refusal | None = None  # BAD_CODE, LOCKED or DELAYED
    until: int | None = None


def verify_second_factor(
    services: Services, pending: PendingLogin, code: str, *, actor: Actor,
    client_id: str | None = None, now: int | None = None, purpose: str | None = None,
) -> SecondFactorResult:
    """Check a TOTP or recovery code for the pending login's account. ``purpose`` names a
    step that is not a login (``password_reset``) in the audit event; its failures count
    all the same."""
    now = now or int(time.time())
    lockout = Lockout(services.store, services.settings)
    subject = subject_for(pending.account_id, pending.username)
    block, counted = lockout.state(subject, actor.ip, now)
    if block is not None:
        _audit(services, pending, actor, client_id, purpose, Outcome.FAILURE,
               reason=block.reason)
        return SecondFactorResult(error=block.reason, until=block.until)
    code = code.strip()[:64]
    digits = "".join(code.split())
    if is_digits(digits, 6):
        method = "totp" if verify_totp(services, pending.account_id, digits, now) else None
    else:
        method = "recovery" if use_recovery_code(services, pending.account_id, code) else None
    if method is None:
        started = lockout.failure(subject, actor.ip, now, account_id=pending.account_id)
        _audit(services, pending, actor, client_id, purpose, Outcome.FAILURE,
               reason=Refusal.BAD_CODE, lockouts=started)
        if started:
            return SecondFactorResult(error=Refusal.LOCKED, until=started[0].until)
        return SecondFactorResult(error=Refusal.BAD_CODE)
    lockout.success(subject, counted)
    _audit(services, pending, actor, client_id, purpose, Outcome.SUCCESS, method=method)
    return SecondFactorResult(method=method)


def _audit(services: Services, pending: PendingLogin, actor: Actor, client_id: str | None,
           purpose: str | None, outcome: Outcome, lockouts=(), **detail) -> None:
    if purpose:
        detail["purpose"] = purpose
    with services.db.begin() as session:
        record(session, EventType.LOGIN_MFA, outcome, actor=actor, account_id=pending.account_id,
               username=pending.username, client_id=client_id, door=pending.door, **detail)
        for block in lockouts:
            record(session, EventType.LOCKOUT, actor=actor, account_id=pending.account_id,
                   username=pending.username, scope=block.scope, until=block.until)
        if outcome is Outcome.FAILURE:
            observe_failure(services, session, actor, pending.username, pending.account_id)
