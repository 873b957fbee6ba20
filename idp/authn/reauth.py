"""A password typed again on "my account" (change it, copy my data, delete my account).

The same brute-force counters as the login (``idp.authn.lockout``), so the account page is no
side door for guessing; each attempt is audited as ``password.confirm``. A right password
leaves a five-minute mark for the SSO session (``is_fresh``): NIST SP 800-63B §7.2 asks for
re-authentication before sensitive actions, and a copy with the full ID number is one.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from idp.accounts.service import get_person
from idp.audit import Actor, EventType, Outcome, record
from idp.authn.lockout import Lockout, subject_for

if TYPE_CHECKING:
    from idp.services import Services

FRESH_SECONDS = 5 * 60


def confirm_password(services: Services, account_id: str, password: str, *, actor: Actor,
                     purpose: str, sid: str | None = None, now: int | None = None) -> bool:
    """True when ``password`` is the account's; then the session ``sid`` is fresh for five
    minutes. Refused without checking while the account or the IP is locked out."""
    now = now or int(time.time())
    person = get_person(services, account_id)
    if person is None:
        return False
    lockout = Lockout(services.store, services.settings)
    subject = subject_for(person.id, person.username)
    block, counted = lockout.state(subject, actor.ip, now)
    ok = block is None and services.passwords.verify(person.password_hash, password[:1024])
    if ok:
        lockout.success(subject, counted)
        if sid:
            services.store.put(f"fresh-password:{sid}", str(now), FRESH_SECONDS)
    elif block is None:
        lockout.failure(subject, actor.ip, now)
    with services.db.begin() as session:
        record(session, EventType.PASSWORD_CONFIRM, Outcome.SUCCESS if ok else Outcome.FAILURE,
               actor=actor, account_id=person.id, username=person.username, purpose=purpose,
               **({} if ok else {"reason": block.reason if block else "bad_credentials"}))
    return ok


def is_fresh(services: Services, sid: str, now: int | None = None) -> bool:
    """Whether the session's owner typed the password within the last five minutes."""
    raw = services.store.get(f"fresh-password:{sid}")
    return raw is not None and (now or int(time.time())) - int(raw) <= FRESH_SECONDS
