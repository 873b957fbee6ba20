"""Registering staff directories and building their sources (what the CLI, and later the
console, call). Every change is audited (ADMIN_ACTION, detail {"action": "directory.<verb>",
"directory"}); the bind password is sealed and never shown again."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from federation.contract import (
    CredentialSource,
    SourceError,
    SourceKind,
    SourceRefused,
    SourceUnavailable,
)
from federation.directory_health import observe
from federation.models import BIND_PASSWORD, Directory
from federation.registry import build_source
from idp.audit import Actor, EventType, record

if TYPE_CHECKING:
    from idp.services import Services

_NAME = re.compile(r"[a-z0-9][a-z0-9-]{1,31}")  # becomes the "@name" of its staff usernames
_URL = re.compile(r"ldaps?://[^\s/]+/?")
TLS_MODES = ("none", "starttls", "ldaps")
MAPPED = ("username", "name", "phone", "email", "employee_number")


class DirectoryError(ValueError):
    """A refused registration; ``code`` is the CLI's error code."""

    def __init__(self, code: str, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


class DirectoryDisabled(SourceRefused):
    """The directory is unknown or disabled: its staff are refused before any bind."""


@dataclass(frozen=True)
class DirectorySpec:
    name: str
    department: str
    urls: Sequence[str]
    bind_dn: str
    bind_password: str
    user_base: str
    user_filter: str
    group_base: str | None = None
    mapping: Mapping[str, str] | None = None
    group_roles: Mapping[str, str] | None = None
    tls: str = "none"
    ca_file: str | None = None
    timeout: float = 5.0
    level: int = 2


def parse_pairs(values: Sequence[str], option: str) -> dict[str, str]:
    """``KEY=VALUE`` items (``--map``, ``--group-role``, a line of the console's form)."""
    pairs = {}
    for value in values:
        key, sep, target = value.partition("=")
        if not sep or not key.strip() or not target.strip():
            raise DirectoryError("invalid_request", f"{option} takes KEY=VALUE, not {value!r}")
        pairs[key.strip()] = target.strip()
    return pairs


def add_directory(services: Services, spec: DirectorySpec, actor: Actor,
                  **audit: Any) -> Directory:
    """Register a directory; ``audit`` adds fields to its event (the console's administrator
    and reason)."""
    config = _validated(spec)
    row = Directory(name=spec.name, department=spec.department, config=config,
                    bind_password_sealed=services.cipher.seal(spec.bind_password, BIND_PASSWORD))
    try:
        with services.db.begin() as session:
            session.add(row)
            session.flush()
            record(session, EventType.ADMIN_ACTION, actor=actor, action="directory.add",
                   directory=spec.name, department=spec.department, **audit)
    except IntegrityError as exc:
        raise DirectoryError("already_exists", f"a directory {spec.name!r} exists") from exc
    return row


def list_directories(services: Services) -> list[Directory]:
    with services.db.session() as session:
        return list(session.scalars(select(Directory).order_by(Directory.name)))


def get_directory(services: Services, name: str) -> Directory | None:
    with services.db.session() as session:
        return session.scalar(select(Directory).where(Directory.name == name))


def set_disabled(services: Services, name: str, actor: Actor, disabled: bool = True,
                 **audit: Any) -> None:
    with services.db.begin() as session:
        row = session.scalar(select(Directory).where(Directory.name == name))
        if row is None:
            raise DirectoryError("not_found", f"no directory {name!r}")
        row.disabled = disabled
        record(session, EventType.ADMIN_ACTION, actor=actor,
               action="directory.disable" if disabled else "directory.enable", directory=name,
               **audit)


def probe_directory(services: Services, name: str):
    """Bind with the service account and search the users once (``idp federation test``, the
    console's button): the ``Probe`` (entries found, a sample DN), or the SourceError saying
    why not. What it saw is the directory's health (``federation.directory_health``)."""
    if get_directory(services, name) is None:
        raise DirectoryError("not_found", f"no directory {name!r}")
    sources = DirectorySources()
    try:
        probe = sources.source(services, name).probe()
    except SourceError as exc:
        if not isinstance(exc, DirectoryDisabled):
            observe(services, name, answered=not isinstance(exc, SourceUnavailable),
                    detail=exc.detail)
        raise
    finally:
        sources.close()
    observe(services, name, answered=True)
    return probe


def public_view(row: Directory) -> dict[str, Any]:
    """What list/show print: the configuration, never the secret (sealed or not)."""
    return {"name": row.name, "department": row.department, "disabled": row.disabled,
            "kind": SourceKind.LDAP.value, **row.config,
            "created_at": row.created_at, "updated_at": row.updated_at}


class DirectorySources:
    """The built source of each directory, kept per app so its connection pool lives on; a
    row changed since (``updated_at``) is rebuilt and the old pool closed."""

    def __init__(self) -> None:
        self._built: dict[str, tuple[Any, CredentialSource]] = {}
        self._lock = threading.Lock()

    def source(self, services: Services, name: str) -> CredentialSource:
        """DirectoryDisabled for an unknown or disabled directory."""
        row = get_directory(services, name)
        if row is None or row.disabled:
            with self._lock:
                gone = self._built.pop(name, None)
            if gone is not None:  # disabled since it was built: its pooled connections go
                getattr(gone[1], "close", lambda: None)()
            raise DirectoryDisabled("该部门目录未启用。", f"directory {name!r} unknown or disabled")
        with self._lock:
            kept = self._built.get(name)
            if kept is not None and kept[0] == row.updated_at:
                return kept[1]
            source = _build(services, row)
            self._built[name] = (row.updated_at, source)
        if kept is not None:
            getattr(kept[1], "close", lambda: None)()
        return source

    def close(self) -> None:
        with self._lock:
            built, self._built = self._built, {}
        for _, source in built.values():
            getattr(source, "close", lambda: None)()


def _build(services: Services, row: Directory) -> CredentialSource:
    secret = services.cipher.open(row.bind_password_sealed, BIND_PASSWORD)
    source = build_source(SourceKind.LDAP, row.name, {**row.config, "bind_password": secret})
    if not isinstance(source, CredentialSource):
        raise TypeError(f"directory {row.name!r} is not a credential source")
    return source


def _validated(spec: DirectorySpec) -> dict[str, Any]:
    problems = []
    if not _NAME.fullmatch(spec.name):
        problems.append("name: 2-32 lower-case letters, digits or '-'")
    if not spec.urls or not all(_URL.fullmatch(u) for u in spec.urls):
        problems.append("url: ldap://host:port or ldaps://host:port")
    if spec.tls not in TLS_MODES:
        problems.append(f"tls: one of {', '.join(TLS_MODES)}")
    if spec.tls == "ldaps" and not all(u.startswith("ldaps://") for u in spec.urls):
        problems.append("--ldaps needs ldaps:// URLs")
    if not (spec.user_filter.startswith("(") and spec.user_filter.endswith(")")):
        problems.append("user-filter: a parenthesised LDAP filter")
    unknown = set(spec.mapping or {}) - set(MAPPED)
    if unknown:
        problems.append(f"map: unknown attribute(s) {', '.join(sorted(unknown))}")
    if not 0.1 <= spec.timeout <= 60:
        problems.append("timeout: 0.1 to 60 seconds")
    if spec.ca_file and not os.path.isfile(spec.ca_file):
        problems.append("ca-file: no such file on this node")
    if not spec.bind_dn or not spec.bind_password or not spec.user_base:
        problems.append("bind-dn, bind password and user-base are required")
    if problems:
        raise DirectoryError("invalid_request", "; ".join(problems))
    return {"urls": list(spec.urls), "bind_dn": spec.bind_dn, "user_base": spec.user_base,
            "user_filter": spec.user_filter, "group_base": spec.group_base,
            "mapping": dict(spec.mapping or {}), "group_roles": dict(spec.group_roles or {}),
            "tls": spec.tls, "ca_file": spec.ca_file, "timeout": spec.timeout,
            "level": spec.level}
