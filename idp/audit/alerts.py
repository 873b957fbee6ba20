"""Alerts on login failures, written as ``ALERT`` audit events and shown on the dashboard.

Two patterns, counted in the Store per fixed window (``IDP_ALERT_WINDOW_SECONDS``):
- credential stuffing: one IP failing against many *distinct* accounts;
- a distributed attack: many distinct IPs failing against one account.
Distinct values are counted with set-if-absent markers, so retrying the same pair does not
inflate the count; each alert fires once per subject and window. Lockouts are audited by the
login code itself (``LOCKOUT``) and listed here with the alerts.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session

from idp.audit.chain import as_utc
from idp.audit.events import EventType, Outcome
from idp.audit.record import Actor, AuditEvent, record

if TYPE_CHECKING:
    from idp.services import Services

log = logging.getLogger(__name__)


class AlertKind(StrEnum):
    CREDENTIAL_STUFFING = "credential_stuffing"  # one IP, many accounts
    MANY_IPS_ONE_ACCOUNT = "many_ips_one_account"
    LOCKOUT = "lockout"  # from the login code's LOCKOUT events


@dataclass(frozen=True)
class Alert:
    at: datetime
    kind: AlertKind
    ip: str | None
    account_id: str | None
    username: str | None
    count: int | None  # distinct accounts or IPs seen in the window


def observe_login_failure(
    services: Services, session: Session | None, *, ip: str | None, username: str | None,
    account_id: str | None, actor: Actor | None = None,
) -> None:
    """Count one failed login; write an ALERT event for each threshold it crosses.

    With a ``session`` (the transaction auditing the failure), counting waits until that
    transaction commits: a rolled-back failure is not counted, and on the embedded SQLite
    deployment the SQL Store's writes do not queue behind the caller's open write lock. Alerts
    then land in a transaction of their own.
    """
    def observe() -> None:
        try:
            count_login_failure(services, ip=ip, username=username, account_id=account_id,
                                actor=actor)
        except Exception:  # an alerting hiccup must never fail a login response
            log.exception("login failure alerting failed")

    if session is None:
        count_login_failure(services, ip=ip, username=username, account_id=account_id,
                            actor=actor)
        return
    done = []

    def committed(_session: Session) -> None:
        if not done:
            done.append(True)
            observe()

    def rolled_back(_session: Session) -> None:
        done.append(True)

    event.listen(session, "after_commit", committed, once=True)
    event.listen(session, "after_rollback", rolled_back, once=True)


def count_login_failure(
    services: Services, *, ip: str | None, username: str | None, account_id: str | None,
    actor: Actor | None = None,
) -> list[AlertKind]:
    """Count one failed login now (no transaction open); the alerts it raised, recorded."""
    settings, store = services.settings, services.store
    window = settings.alert_window_seconds
    bucket = int(time.time()) // window
    account = account_id or f"name:{(username or '').strip().lower()}"
    ttl = window * 2  # outlives its window, then disappears
    crossed: list[tuple[AlertKind, int]] = []
    if ip:
        ip_key, account_key = _key(ip), _key(account)
        if store.add(f"alert:pair:{bucket}:{ip_key}:{account_key}", "1", ttl):
            accounts = store.incr(f"alert:ip-accounts:{bucket}:{ip_key}", ttl)
            if accounts >= settings.alert_ip_accounts and store.add(
                f"alert:fired:stuffing:{bucket}:{ip_key}", "1", ttl
            ):
                crossed.append((AlertKind.CREDENTIAL_STUFFING, accounts))
            ips = store.incr(f"alert:account-ips:{bucket}:{account_key}", ttl)
            if ips >= settings.alert_account_ips and store.add(
                f"alert:fired:many-ips:{bucket}:{account_key}", "1", ttl
            ):
                crossed.append((AlertKind.MANY_IPS_ONE_ACCOUNT, ips))
    if crossed:
        with services.db.begin() as session:
            _write(session, crossed, actor or Actor(ip=ip), account_id, username, window)
    return [kind for kind, _ in crossed]


def _write(session, crossed, actor, account_id, username, window) -> None:
    for kind, count in crossed:
        stuffing = kind is AlertKind.CREDENTIAL_STUFFING
        # Stuffing is about the IP: naming the last account it tried would mislead.
        record(session, EventType.ALERT, Outcome.FAILURE, actor=actor,
               account_id=None if stuffing else account_id,
               username=None if stuffing else username,
               kind=str(kind), count=count, window_seconds=window)


def recent_alerts(session: Session, since: datetime, limit: int = 100) -> list[Alert]:
    """Alerts and lockouts since ``since``, newest first (for the dashboard)."""
    rows = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.at >= as_utc(since),
               or_(AuditEvent.type == EventType.ALERT.value,
                   AuditEvent.type == EventType.LOCKOUT.value))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return [
        Alert(
            at=as_utc(e.at),
            kind=AlertKind(e.detail.get("kind", "lockout")) if e.type == "alert"
            else AlertKind.LOCKOUT,
            ip=e.ip, account_id=e.account_id, username=e.username, count=e.detail.get("count"),
        )
        for e in rows
    ]


def _key(value: str) -> str:
    # Store keys stay short and never hold a raw username.
    return hashlib.sha256(value.encode()).hexdigest()[:24]
