"""The password step of a login: brute-force checks, verification, counting, audit.

Unknown usernames and wrong passwords take the same path (one argon2 verification, one counted
failure, the same answer), so nothing tells whether an account exists.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, exists, select

from idp.accounts.deletion import AccountDeletion, aware
from idp.accounts.models import Person
from idp.accounts.service import verify_login
from idp.audit import Actor, EventType, Outcome, record
from idp.audit.alerts import observe_login_failure
from idp.authn.lockout import (
    Block,
    Lockout,
    Refusal,
    subject_for,
    take_lockout_notice,
)
from idp.authn.models import TotpCredential
from idp.authn.passkeys.models import Passkey
from idp.db import utcnow

if TYPE_CHECKING:
    from idp.services import Services


@dataclass(frozen=True)
class Account:
    """What the login steps need of a Person."""

    id: str
    username: str
    password_hash: str
    disabled: bool
    assurance_level: int
    must_change_password: bool
    second_factor: bool  # an authenticator app or a passkey: the second step comes next


@dataclass(frozen=True)
class PasswordResult:
    person: Account | None = None
    error: Refusal | None = None  # BAD_CREDENTIALS, LOCKED or DELAYED
    until: int | None = None  # end of the delay or lockout
    locked_at: int | None = None  # an earlier lockout of this account, to tell its owner


def password_login(
    services: Services, username: str, password: str, *, door: str, actor: Actor,
    client_id: str | None = None, now: int | None = None,
) -> PasswordResult:
    now = now or int(time.time())
    lockout = Lockout(services.store, services.settings)
    # A name with control characters (a NUL byte: PostgreSQL refuses it) cannot exist; it
    # takes the unknown-user path, counted under its printable form.
    username = "".join(c for c in username if c.isprintable())
    found = _lookup(services, username) if username.strip() else None
    subject = subject_for(found.id if found else None, username)
    block, counted = lockout.state(subject, actor.ip, now)
    if block is not None:  # refused before the password is even checked
        _failed(services, actor, found, username, door, client_id, block.reason, [])
        return PasswordResult(error=block.reason, until=block.until)
    person = _verify(services, found, username, password)
    if person is None:
        started = lockout.failure(subject, actor.ip, now, account_id=found.id if found else None)
        disabled = found is not None and found.disabled
        reason = Refusal.DISABLED if disabled else Refusal.BAD_CREDENTIALS
        _failed(services, actor, found, username, door, client_id, reason, started)
        if started:
            return PasswordResult(error=Refusal.LOCKED, until=started[0].until)
        return PasswordResult(error=Refusal.BAD_CREDENTIALS)
    had_failures = lockout.success(subject, counted)
    services.audit_batch.record(
        EventType.LOGIN, actor=actor, account_id=person.id, username=person.username,
        client_id=client_id, door=door, methods=["pwd"])
    notice = take_lockout_notice(services.store, person.id) if had_failures else None
    return PasswordResult(person=person, locked_at=notice)


# The password step reads only what it needs (no sealed identity data) in one prebuilt Core
# statement: the ORM's entity loading costs more than the query on this per-login path.
_ACCOUNT = (
    select(Person.id, Person.username, Person.password_hash, Person.disabled,
           Person.assurance_level, Person.must_change_password,
           (TotpCredential.account_id.is_not(None)
            | exists().where(Passkey.account_id == Person.id)).label("second_factor"),
           AccountDeletion.purge_after)
    .outerjoin(TotpCredential, TotpCredential.account_id == Person.id)
    .outerjoin(AccountDeletion, AccountDeletion.account_id == Person.id)
    .where(Person.username == bindparam("username"))
)


def _lookup(services: Services, username: str) -> Account | None:
    """The account of a username (stored lower case) and whether it has a second factor (an
    authenticator app or a passkey): the login needs both, and every query is a round trip."""
    row = services.db.read_row(_ACCOUNT, {"username": username.strip().lower()})
    # An account past its deletion grace period is gone for the login, erased or not yet.
    if row is None or (row.purge_after is not None and aware(row.purge_after) <= utcnow()):
        return None
    values = {k: v for k, v in row._asdict().items() if k != "purge_after"}
    return Account(**{**values, "second_factor": bool(row.second_factor)})  # SQLite: 0/1


def _verify(services: Services, found: Account | None, username: str,
            password: str) -> Account | None:
    """The account when the password matches and it is enabled. The usual case checks the
    hash of the account already looked up (one query, one argon2 run, as verify_login); a
    hash made with older costs goes through ``verify_login``, which replaces it."""
    passwords = services.passwords
    hashed = found.password_hash if found is not None else None
    if hashed is not None and passwords.needs_rehash(hashed):
        return found if verify_login(services, username, password) is not None else None
    if not passwords.verify_or_dummy(hashed, password) or found is None or found.disabled:
        return None
    return found


def _failed(
    services: Services, actor: Actor, found: Account | None, username: str, door: str,
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


def observe_failure(services: Services, session, actor: Actor, username: str,
                    account_id: str | None):
    """Hand the failure to the credential-stuffing alerts (idp.audit.alerts)."""
    observe_login_failure(services, session, ip=actor.ip, username=username,
                          account_id=account_id, actor=actor)
