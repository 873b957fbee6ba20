"""The audit page (audit administrator): one compact row per event, filters kept in the URL,
keyset pages, an event's detail on its own page, CSV / JSON Lines export."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, render_template, request, stream_with_context

from admin import audit_labels, audit_log
from admin.access import allowed
from admin.roles import Permission
from admin.web.blueprints import bp
from admin.web.guard import page
from idp.audit import EventType, Outcome
from idp.services import services
from idp.web.i18n import language

MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}


@bp.get("/audit")
@page(Permission.AUDIT_READ)
def audit(admin):
    filter = audit_log.parse_filter(services(), request.args)
    result = audit_log.search(services(), admin, filter, request.args.get("after"))
    kept = {k: request.args.get(k, "") for k in audit_log.FILTER_FIELDS}
    return render_template(
        "admin/audit.html", page=result, form=kept,
        names=audit_log.usernames(services(), result.events),
        types=[e.value for e in EventType], outcomes=[o.value for o in Outcome],
        query={k: v for k, v in kept.items() if v},
        can_export=allowed(admin, Permission.AUDIT_EXPORT), **_labels(),
    )


@bp.get("/audit/<int(max=9223372036854775807):event_id>")  # a signed 64-bit id
@page(Permission.AUDIT_READ)
def audit_event(admin, event_id):
    found = audit_log.event(services(), admin, event_id)
    detail = found.detail if isinstance(found.detail, dict) else {}
    changes = {k: detail[k] for k in ("before", "after") if k in detail}
    rest = {k: v for k, v in detail.items() if k not in changes}
    return render_template(
        "admin/audit_event.html", e=found, names=audit_log.usernames(services(), [found]),
        rest=rest, before=changes.get("before"), after=changes.get("after"),
        back={k: v for k in audit_log.FILTER_FIELDS if (v := request.args.get(k))},
        **_labels(),
    )


def _labels() -> dict:
    lang = language()
    return {
        "event_label": lambda code: audit_labels.event_label(code, lang),
        "outcome_label": lambda code: audit_labels.outcome_label(code, lang),
        "field_label": lambda name: audit_labels.field_label(name, lang),
        "summary": lambda detail: audit_labels.summary(detail, lang),
    }


@bp.get("/audit/export.<fmt>")
@page(Permission.AUDIT_EXPORT)
def audit_export(admin, fmt):
    return export_response(admin, fmt)


def export_response(admin, fmt: str) -> Response:
    filter = audit_log.parse_filter(services(), request.args)
    lines = audit_log.export(services(), admin, filter, fmt)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Response(stream_with_context(lines), mimetype=MEDIA_TYPES[fmt].split(";")[0],
                    content_type=MEDIA_TYPES[fmt], headers={
                        "Content-Disposition": f'attachment; filename="audit-{stamp}.{fmt}"',
                        "Cache-Control": "no-store"})
