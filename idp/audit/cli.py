"""``idp audit``: verify the hash chains, export for a SIEM, keep partitions and retention."""

from __future__ import annotations

import sys
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import click

from idp.audit.events import EventType
from idp.audit.formats import FORMATS, lines
from idp.audit.partitions import ensure_partitions, prune
from idp.audit.query import AuditFilter, InvalidTime, export, parse_time
from idp.audit.record import record
from idp.audit.verify import verify
from idp.commands import CliError, emit, rfc3339, with_services

if TYPE_CHECKING:
    from idp.services import Services


@click.group()
def audit() -> None:
    """The tamper-evident audit log."""


@audit.command("verify")
@click.option("--from", "since", help="first day to verify (YYYY-MM-DD); default: all kept")
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
@with_services
def verify_command(services: Services, since: str | None, as_json: bool) -> None:
    """Check the hash chains; exit status 1 at the first broken link."""
    report = verify(services.db, _day(since) if since else None)
    data = report.as_dict()
    if report.ok:
        text = (f"audit chain whole: {report.events} events over {len(report.days)} days"
                + (f" ({data['first_day']} to {data['last_day']})" if report.days else ""))
    else:
        broken = data["broken"]
        text = f"audit chain BROKEN on {broken['day']} ({broken['problem']}): {broken['message']}"
    emit(data, as_json, text)
    if not report.ok:
        sys.exit(1)


@audit.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True)
@click.option("--from", "since", help="from this time (YYYY-MM-DD or ISO 8601, UTC if no zone)")
@click.option("--to", "until", help="up to (not including) this time")
@click.option("--account", "account_id", help="account id")
@click.option("--client", "client_id", help="relying party's client id or entity id")
@click.option("--ip", help="source IP")
@click.option("--type", "type_", type=click.Choice([t.value for t in EventType]))
@click.option("--outcome", type=click.Choice(["success", "failure"]))
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="file (default: stdout)")
@with_services
def export_command(services: Services, fmt, since, until, account_id, client_id, ip, type_, outcome,
                   output) -> None:
    """Stream the matching events, oldest first (constant memory)."""
    chosen = AuditFilter(
        since=_time(since) if since else None, until=_time(until) if until else None,
        account_id=account_id, client_id=client_id, ip=ip, type=type_, outcome=outcome,
    )
    count = 0
    out = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        for line in lines(fmt, export(services.db, chosen)):
            out.write(line)
            count += 1
    finally:
        if output:
            out.close()
    with services.db.begin() as session:  # an export of the audit is itself audited
        detail = {k: str(v) for k, v in asdict(chosen).items() if v is not None}
        record(session, EventType.AUDIT_EXPORT, filter=detail, format=fmt,
               events=count - (1 if fmt == "csv" else 0))


@audit.command("maintain")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@with_services
def maintain(services: Services, as_json: bool) -> None:
    """Create the coming months' partitions (PostgreSQL); run it daily."""
    created = ensure_partitions(services.db)
    emit({"created": created}, as_json,
         "created partitions: " + (", ".join(created) if created else "none needed"))


@audit.command("prune")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@with_services
def prune_command(services: Services, as_json: bool) -> None:
    """Drop events older than IDP_AUDIT_RETENTION_DAYS (never the last 180 days)."""
    result = prune(services.db, services.settings.audit_retention_days)
    with services.db.begin() as session:
        record(session, EventType.AUDIT_PRUNE, cutoff=result.cutoff.isoformat(),
               partitions=result.partitions, events=result.events)
    dropped = ", ".join(result.partitions) or "no partitions"
    emit({"cutoff": rfc3339(result.cutoff), "partitions": result.partitions,
          "events": result.events}, as_json,
         f"kept everything from {result.cutoff}; dropped {dropped}, "
         f"{result.events} events deleted one by one")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CliError(f"not a date (YYYY-MM-DD): {value}", code="invalid_request") from exc


def _time(value: str) -> datetime:
    try:
        return parse_time(value, zone=UTC)  # the console's parser; here UTC when none is given
    except InvalidTime as exc:
        raise CliError(f"not a date or time (ISO 8601): {value[:40]!r}: {exc}",
                       code="invalid_request") from exc
