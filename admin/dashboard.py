"""The dashboard's figures, aggregated in SQL over the audit table's (type, outcome, at) index.

Active sessions live in the Store, which cannot be scanned: they are counted by asking the
session service about every account that logged in within one absolute session lifetime (up to
``SESSION_SCAN_CAP`` accounts; beyond that the figure is a lower bound and says so).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from admin.access import require
from admin.principal import Admin
from admin.roles import Permission
from idp.audit import EventType, Outcome
from idp.audit.alerts import Alert, recent_alerts
from idp.audit.record import AuditEvent
from idp.db import utcnow
from idp.services import Services

TOP = 10
SESSION_SCAN_CAP = 2000


@dataclass
class Dashboard:
    hours: list[datetime]  # the 24 hour starts, oldest first (UTC)
    logins_ok: list[int]
    logins_failed: list[int]
    top_failing_accounts: list[tuple[str, int]]
    top_failing_ips: list[tuple[str, int]]
    tokens_per_client: list[tuple[str, int]]
    active_sessions: int
    sessions_capped: bool
    alerts: list[Alert] = field(default_factory=list)  # alerts and lockouts, last 7 days


def _hour_bucket(dialect: str):
    if dialect == "postgresql":
        # Hours in UTC whatever the server's TimeZone setting.
        utc = func.timezone("UTC", AuditEvent.at)
        return func.to_char(func.date_trunc("hour", utc), "YYYY-MM-DD HH24")
    return func.strftime("%Y-%m-%d %H", AuditEvent.at)


def build(services: Services, admin: Admin, now: datetime | None = None) -> Dashboard:
    require(admin, Permission.DASHBOARD_VIEW)
    now = now or utcnow()
    first = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=23)
    hours = [first + timedelta(hours=i) for i in range(24)]
    lifetime = services.settings.session_absolute_seconds
    with services.db.session() as session:
        dialect = session.get_bind().dialect.name
        bucket = _hour_bucket(dialect)
        login = (AuditEvent.type == EventType.LOGIN.value, AuditEvent.at >= first)
        per_hour = session.execute(
            select(bucket, AuditEvent.outcome, func.count()).where(*login)
            .group_by(bucket, AuditEvent.outcome)
        ).all()
        failed = (*login, AuditEvent.outcome == Outcome.FAILURE.value)
        accounts = _top(session, AuditEvent.username, failed)
        ips = _top(session, AuditEvent.ip, failed)
        tokens = _top(session, AuditEvent.client_id, (
            AuditEvent.type == EventType.TOKEN_ISSUE.value, AuditEvent.at >= first))
        alerts = recent_alerts(session, now - timedelta(days=7), limit=TOP)
        recent = list(session.scalars(
            select(AuditEvent.account_id).where(
                AuditEvent.type == EventType.LOGIN.value,
                AuditEvent.outcome == Outcome.SUCCESS.value, AuditEvent.account_id.is_not(None),
                AuditEvent.at >= now - timedelta(seconds=lifetime),
            ).distinct().limit(SESSION_SCAN_CAP + 1)))
    ok, bad = _series(hours, per_hour)
    active = sum(len(services.sessions.for_account(a)) for a in recent[:SESSION_SCAN_CAP])
    return Dashboard(hours, ok, bad, accounts, ips, tokens, active,
                     len(recent) > SESSION_SCAN_CAP, alerts)


def _top(session, column, where) -> list[tuple[str, int]]:
    count = func.count().label("n")
    rows = session.execute(
        select(column, count).where(*where, column.is_not(None)).group_by(column)
        .order_by(count.desc(), column).limit(TOP)
    ).all()
    return [(str(value), int(n)) for value, n in rows]


def _series(hours: list[datetime], rows) -> tuple[list[int], list[int]]:
    index = {h.strftime("%Y-%m-%d %H"): i for i, h in enumerate(hours)}
    ok, bad = [0] * len(hours), [0] * len(hours)
    for key, outcome, n in rows:
        i = index.get(key)
        if i is None:
            continue
        (ok if outcome == Outcome.SUCCESS.value else bad)[i] += int(n)
    return ok, bad
