"""The audit page's service: filters from the officer's words, keyset pages, exports.

Finding and exporting go through ``idp.audit.query`` (one filter for pages and the SIEM
export). Times typed on the page are China Standard Time (UTC+8); stored times are UTC.
An export is itself recorded (who exported what filter), so the audit is audited.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta, timezone
from itertools import chain

from sqlalchemy import select

from admin.access import require
from admin.errors import AdminError
from admin.principal import Admin
from admin.roles import Permission
from admin.trail import record_action
from idp.accounts.models import Person
from idp.accounts.service import find_person_by_username
from idp.audit import EventType, Outcome, formats, query
from idp.audit.query import AuditFilter, Cursor, Page
from idp.audit.record import AuditEvent
from idp.services import Services

CST = timezone(timedelta(hours=8))
_CONTROL = re.compile("[\x00-\x1f\x7f]")
FILTER_FIELDS = ("since", "until", "account", "client_id", "ip", "type", "outcome")


def parse_filter(services: Services, args: Mapping[str, str]) -> AuditFilter:
    """An AuditFilter from the page's (or API's) parameters; AdminError on a malformed one."""
    def text(name: str, limit: int = 128) -> str | None:
        value = (args.get(name) or "").strip()
        if len(value) > limit or _CONTROL.search(value):
            raise AdminError("bad_input", f"{name}: at most {limit} characters, no controls")
        return value or None

    kind, outcome = text("type", 48), text("outcome", 16)
    if kind is not None and kind not in {e.value for e in EventType}:
        raise AdminError("bad_input", f"type: unknown event type {kind!r}")
    if outcome is not None and outcome not in {o.value for o in Outcome}:
        raise AdminError("bad_input", "outcome: success or failure")
    return AuditFilter(
        since=_time(text("since", 32), "since"), until=_time(text("until", 32), "until"),
        account_id=_account(services, text("account", 64)), client_id=text("client_id"),
        ip=text("ip", 64), type=kind, outcome=outcome,
    )


def _time(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        return query.parse_time(value, zone=CST)
    except query.InvalidTime as exc:
        raise AdminError("bad_input", f"{name}: {exc}") from exc


def _account(services: Services, value: str | None) -> str | None:
    """A username is looked up; anything else is taken as an account id."""
    if value is None:
        return None
    person = find_person_by_username(services, value)
    return person.id if person else value


def search(
    services: Services, admin: Admin, filter: AuditFilter, cursor: str | None, limit: int = 50
) -> Page:
    require(admin, Permission.AUDIT_READ)
    after = None
    if cursor:
        try:
            after = Cursor.parse(cursor[:64])
        except ValueError as exc:
            raise AdminError("bad_input", "cursor") from exc
    with services.db.session() as session:
        return query.search(session, filter, after, limit)


def event(services: Services, admin: Admin, event_id: int) -> AuditEvent:
    """One event, for its detail page; AdminError not_found when there is none."""
    require(admin, Permission.AUDIT_READ)
    with services.db.session() as session:
        found = session.scalars(select(AuditEvent).where(AuditEvent.id == event_id)).first()
    if found is None:
        raise AdminError("not_found", status=404)
    return found


def usernames(services: Services, events: list[AuditEvent]) -> dict[str, str]:
    """account id -> username for every account the events name (as actor or as the account
    acted on), in one query, so the page shows people's names and never a bare UUID."""
    ids = {e.account_id for e in events if e.account_id}
    ids |= {e.detail["target_account"] for e in events if isinstance(e.detail, dict)
            and isinstance(e.detail.get("target_account"), str)}
    if not ids:
        return {}
    with services.db.session() as session:
        rows = session.execute(select(Person.id, Person.username).where(Person.id.in_(ids)))
        return {row.id: row.username for row in rows}


def export(services: Services, admin: Admin, filter: AuditFilter, fmt: str) -> Iterator[str]:
    """The lines of the export file (CSV or JSON Lines), streamed batch by batch."""
    require(admin, Permission.AUDIT_EXPORT)
    if fmt not in formats.FORMATS:
        raise AdminError("bad_input", f"format: one of {', '.join(formats.FORMATS)}")
    records = query.export(services.db, filter)
    # Read the first batch now: whatever the filter does to the query fails here, as a clear
    # answer, and not after the response's status line and first bytes have been sent.
    first = next(records, None)
    with services.db.begin() as session:
        record_action(session, admin, "audit.export", "export", target=fmt,
                      after={k: str(v) for k, v in vars(filter).items() if v is not None})
    return formats.lines(fmt, chain([first], records) if first is not None else iter(()))


def local(moment: datetime) -> str:
    """A stored time as the page shows it (CST)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(CST).strftime("%Y-%m-%d %H:%M:%S")
