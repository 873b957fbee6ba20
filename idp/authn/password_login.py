"""The password step of a login: brute-force checks, verification, counting, audit.

Unknown usernames and wrong passwords take the same path (one argon2 verification, one counted
failure, the same answer), so nothing tells whether an account exists.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from idp.accounts.models import Person
from idp.accounts.service import find_person_by_username, verify_login
from idp.audit import Actor, EventType, Outcome, record
from idp.authn.lockout import Block, Lockout, remember_lockout, subject_for, take_lockout_notice


@dataclass(frozen=True)
class PasswordResult:
    person: Person | None = None
    error: str | None = None  # "bad_credentials" | "locked" | "delayed"
    until: int | None = None  # end of the delay or lockout
    locked_at: int | None = None  # an earlier lockout of this account, to tell its owner


def password_login(
    services, username: str, password: str, *, door: str, actor: Actor,
    client_id: str | None = None, now: int | None = None,
) -> PasswordResult:
    now = now or int(time.time())
    lockout = Lockout(services.store, services.settings)
    # A name with control characters (a NUL byte: PostgreSQL refuses it) cannot exist; it
    # takes the unknown-user path, counted under its printable form.
    username = "".join(c for c in username if c.isprintable())
    found = find_person_by_username(services, username) if username.strip() else None
    subject = subject_for(found.id if found else None, username)
    block = lockout.check(subject, actor.ip, now)
    if block is not None:  # refused before the password is even checked
        _failed(services, actor, found, username, door, client_id, block.reason, [])
        return PasswordResult(error=block.reason, until=block.until)
    person = _verify(services, found, username, password)
    if person is None:
        started = lockout.failure(subject, actor.ip, now)
        reason = "disabled" if found is not None and found.disabled else "bad_credentials"
        _failed(services, actor, found, username, door, client_id, reason, started)
        if found is not None and any(b.scope == "account" for b in started):
            window = services.settings.lockout_window_seconds
            remember_lockout(services.store, found.id, now, window)
        if started:
            return PasswordResult(error="locked", until=started[0].until)
        return PasswordResult(error="bad_credentials")
    had_failures = lockout.success(subject)
    with services.db.begin() as session:
        record(session, EventType.LOGIN, actor=actor, account_id=person.id,
               username=person.username, client_id=client_id, door=door, methods=["pwd"])
    notice = take_lockout_notice(services.store, person.id) if had_failures else None
    return PasswordResult(person=person, locked_at=notice)


def _verify(services, found: Person | None, username: str, password: str) -> Person | None:
    """The account when the password matches and it is enabled. The usual case checks the
    hash of the account already looked up (one query, one argon2 run, as verify_login); a
    hash made with older costs goes through ``verify_login``, which replaces it."""
    passwords = services.passwords
    hashed = found.password_hash if found is not None else None
    if hashed is not None and passwords.needs_rehash(hashed):
        return verify_login(services, username, password)
    if not passwords.verify_or_dummy(hashed, password) or found is None or found.disabled:
        return None
    return found


def _failed(
    services, actor: Actor, found: Person | None, username: str, door: str,
    client_id: str | None, reason: str, started: list[Block],
) -> None:
    """Audit one failed attempt and any lockout it started, in one transaction."""
    account_id = found.id if found else None
    name = found.username if found else username.strip()[:64]
    with services.db.begin() as session:
        record(session, EventType.LOGIN, Outcome.FAILURE, actor=actor, account_id=account_id,
               username=name, client_id=client_id, door=door, methods=["pwd"], reason=reason)
        for block in started:
            record(session, EventType.LOCKOUT, actor=actor, account_id=account_id,
                   username=name, scope=block.scope, until=block.until)
        observe_failure(services, session, actor, name, account_id)


def observe_failure(services, session, actor: Actor, username: str, account_id: str | None):
    """Hand the failure to the audit engineer's alerting, when that module exists."""
    try:
        from idp.audit.alerts import observe_login_failure
    except ImportError:
        return
    observe_login_failure(services, session, ip=actor.ip, username=username,
                          account_id=account_id, actor=actor)
