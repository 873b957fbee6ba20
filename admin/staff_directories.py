"""The console's staff directories: each with its state, registration, disabling, the
connection test and "sync now", through the services ``idp federation`` uses
(``federation.directories``, ``federation.sync``): one validation, one audit vocabulary.

Every change names its administrator and reason in its ``admin.action`` event. Only the system
administrator holds these duties: a directory decides who may log in as staff of a department,
so it belongs with the relying parties and keys, not with a department's own administrator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from admin.access import require
from admin.errors import AdminError
from admin.principal import Admin
from admin.roles import Permission
from admin.trail import need_reason, record_action
from federation import directories as registry
from federation.contract import SourceError
from federation.directory_health import Health, state
from federation.sync import last_sync, sync_running
from federation.sync_background import start_sync
from idp.services import Services


@dataclass(frozen=True)
class DirectoryRow:
    name: str
    department: str
    disabled: bool
    health: str  # federation.directory_health.Health
    syncing: bool
    last_sync: dict[str, Any] | None  # counts and "at" (epoch seconds)
    config: dict[str, Any]  # public_view: never the bind password


def _row(services: Services, row) -> DirectoryRow:
    return DirectoryRow(row.name, row.department, row.disabled,
                        Health.UNKNOWN.value if row.disabled else state(services, row.name).value,
                        sync_running(services, row.name), last_sync(services, row.name),
                        registry.public_view(row))


def list_rows(services: Services, admin: Admin) -> list[DirectoryRow]:
    require(admin, Permission.DIRECTORIES_VIEW)
    return [_row(services, row) for row in registry.list_directories(services)]


def get_row(services: Services, admin: Admin, name: str) -> DirectoryRow:
    require(admin, Permission.DIRECTORIES_VIEW)
    row = registry.get_directory(services, name)
    if row is None:
        raise AdminError("not_found", status=404)
    return _row(services, row)


def _audit(admin: Admin, reason: str) -> dict[str, Any]:
    return {"account_id": admin.account_id, "username": admin.username, "reason": reason}


def spec_of(form: Mapping[str, str]) -> registry.DirectorySpec:
    """The form's fields as ``idp federation add-ldap``'s options (one URL, mapping and group
    role per line); ``federation.directories`` validates them."""
    def lines(field: str) -> list[str]:
        return [line.strip() for line in form.get(field, "").splitlines() if line.strip()]

    try:
        timeout = float(form.get("timeout") or 5)
        level = int(form.get("level") or 2)
    except ValueError as exc:
        raise AdminError("bad_input", "timeout, level: numbers") from exc
    if level not in (1, 2):
        raise AdminError("bad_input", "level: 1 or 2")
    try:
        return registry.DirectorySpec(
            name=form.get("name", "").strip(), department=form.get("department", "").strip(),
            urls=lines("urls"), bind_dn=form.get("bind_dn", "").strip(),
            bind_password=form.get("bind_password", ""),
            user_base=form.get("user_base", "").strip(),
            user_filter=form.get("user_filter", "").strip(),
            group_base=form.get("group_base", "").strip() or None,
            mapping=registry.parse_pairs(lines("mapping"), "mapping"),
            group_roles=registry.parse_pairs(lines("group_roles"), "group roles"),
            tls=form.get("tls", "none"), ca_file=form.get("ca_file", "").strip() or None,
            timeout=timeout, level=level)
    except registry.DirectoryError as exc:
        raise AdminError("bad_input", exc.description) from exc


def add(services: Services, admin: Admin, form: Mapping[str, str], reason: str | None) -> str:
    why = need_reason(reason)
    require(admin, Permission.DIRECTORIES_MANAGE)
    if not form.get("department", "").strip():
        raise AdminError("bad_input", "department: required")
    try:
        row = registry.add_directory(services, spec_of(form), admin.actor, **_audit(admin, why))
    except registry.DirectoryError as exc:
        raise AdminError("bad_input", exc.description) from exc
    return row.name


def set_disabled(services: Services, admin: Admin, name: str, disabled: bool,
                 reason: str | None) -> None:
    why = need_reason(reason)
    require(admin, Permission.DIRECTORIES_MANAGE)
    try:
        registry.set_disabled(services, name, admin.actor, disabled, **_audit(admin, why))
    except registry.DirectoryError as exc:
        raise AdminError("not_found", status=404) from exc


def check_connection(services: Services, admin: Admin, name: str) -> tuple[bool, str]:
    """(answered, what it found or why not), as ``idp federation test`` says it."""
    require(admin, Permission.DIRECTORIES_MANAGE)
    try:
        probe = registry.probe_directory(services, name)
    except registry.DirectoryError as exc:
        raise AdminError("not_found", status=404) from exc
    except SourceError as exc:
        return False, f"{exc.description} ({exc.detail})" if exc.detail else exc.description
    return True, f"{probe.entries} {probe.sample or ''}".strip()


def sync_now(services: Services, admin: Admin, name: str, full: bool) -> bool:
    """Start a sync in the background; False when one of this directory is already running
    (here or on another node). The sync audits itself under this administrator."""
    require(admin, Permission.DIRECTORIES_MANAGE)
    row = registry.get_directory(services, name)
    if row is None:
        raise AdminError("not_found", status=404)
    if row.disabled:
        raise AdminError("bad_input", "the directory is disabled")
    if sync_running(services, name):
        return False
    with services.db.begin() as session:  # the sync's own event follows when it ends
        record_action(session, admin, "directory.sync_request", "sync now", target=name,
                      after={"full": full})
    start_sync(services, name, admin.actor, full)
    return True
