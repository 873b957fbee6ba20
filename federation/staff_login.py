"""The staff door's credential step: brute-force checks, the directory's bind, the account
link, counting and audit, as ``idp.authn.password_login`` does for citizens.

Failures are counted under the staff account when it exists, else under a digest of
``name@directory`` (idp/authn/lockout.py), and a blocked subject never reaches the directory.
A directory that is down is no failure of the person: nothing is counted, the event says
``source_unavailable`` and the door says so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from federation.contract import FederatedLogin, SourceRefused, SourceUnavailable
from federation.directories import DirectoryDisabled, DirectorySources
from federation.directory_health import observe
from federation.staff_accounts import StaffLinker, staff_username
from idp.accounts.models import Person
from idp.audit import Actor, EventType, Outcome, record
from idp.authn.lockout import (
    Lockout,
    Refusal,
    subject_for,
    take_lockout_notice,
)
from idp.authn.password_login import observe_failure

if TYPE_CHECKING:
    from idp.services import Services

DOOR = "staff"
UNAVAILABLE = "source_unavailable"
DISABLED_SOURCE = "source_disabled"


@dataclass(frozen=True)
class StaffResult:
    login: FederatedLogin | None = None
    error: str | None = None  # a Refusal, UNAVAILABLE or DISABLED_SOURCE
    until: int | None = None
    locked_at: int | None = None


def split_login_name(username: str, directory: str | None) -> tuple[str, str]:
    """(login name, directory) from the form: ``name@directory`` wins over the select."""
    name, at, named = username.strip().rpartition("@")
    if at and named:
        return name, named.lower()
    return username.strip(), (directory or "").strip().lower()


def staff_login(services: Services, sources: DirectorySources, username: str, password: str,
                directory: str, *, actor: Actor, client_id: str | None = None,
                now: int | None = None) -> StaffResult:
    now = now or int(time.time())
    lockout = Lockout(services.store, services.settings)
    username = "".join(c for c in username if c.isprintable())
    local = staff_username(username, directory)
    account_id = _account_id(services, local)
    subject = subject_for(account_id, local)
    block, counted = lockout.state(subject, actor.ip, now)
    if block is not None:
        _failed(services, actor, account_id, local, directory, client_id, block.reason, [])
        return StaffResult(error=block.reason, until=block.until)
    try:
        source = sources.source(services, directory)
        login = StaffLinker(services, actor).link(source.check_password(username, password))
    except SourceUnavailable as exc:
        observe(services, directory, answered=False, detail=exc.detail)
        _failed(services, actor, account_id, local, directory, client_id, UNAVAILABLE, [])
        return StaffResult(error=UNAVAILABLE)
    except DirectoryDisabled:  # unknown or disabled: not counted against the person
        _failed(services, actor, account_id, local, directory, client_id, DISABLED_SOURCE, [])
        return StaffResult(error=DISABLED_SOURCE)
    except SourceRefused:
        observe(services, directory, answered=True)  # it answered, with a no
        started = lockout.failure(subject, actor.ip, now, account_id=account_id)
        _failed(services, actor, account_id, local, directory, client_id,
                Refusal.BAD_CREDENTIALS, started)
        if started:
            return StaffResult(error=Refusal.LOCKED, until=started[0].until)
        return StaffResult(error=Refusal.BAD_CREDENTIALS)
    observe(services, directory, answered=True)
    had_failures = lockout.success(subject, counted)
    services.audit_batch.record(
        EventType.LOGIN, actor=actor, account_id=login.account_id, username=login.username,
        client_id=client_id, door=DOOR, methods=list(login.amr), source=login.source)
    notice = take_lockout_notice(services.store, login.account_id) if had_failures else None
    return StaffResult(login=login, locked_at=notice)


def _account_id(services: Services, username: str) -> str | None:
    with services.db.session() as session:
        return session.scalar(select(Person.id).where(Person.username == username))


def _failed(services: Services, actor: Actor, account_id: str | None, username: str,
            directory: str, client_id: str | None, reason: str, started) -> None:
    with services.db.begin() as session:
        record(session, EventType.LOGIN, Outcome.FAILURE, actor=actor, account_id=account_id,
               username=username[:64], client_id=client_id, door=DOOR, methods=["pwd"],
               reason=reason, source=directory[:32])
        for block in started:
            record(session, EventType.LOCKOUT, actor=actor, account_id=account_id,
                   username=username[:64], scope=block.scope, until=block.until)
        if reason != UNAVAILABLE:
            observe_failure(services, session, actor, username[:64], account_id)
