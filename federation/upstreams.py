"""Registering upstream identity providers and building their sources (the CLI calls it; the
console may later). Every change is audited (ADMIN_ACTION, detail {"action": "upstream.<verb>",
"upstream"}); a client secret is sealed and never shown again.

Protocol-neutral: a kind's own module validates its configuration (``federation.oidc.config``,
``federation.oauth2``) and ``federation.registry`` builds its ``RedirectSource``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from federation.contract import RedirectSource, SourceKind, SourceRefused
from federation.linking import LINK_POLICIES
from federation.models import CLIENT_SECRET, UpstreamProvider
from federation.registry import build_source
from idp.audit import Actor, EventType, record

if TYPE_CHECKING:
    from idp.services import Services

_NAME = re.compile(r"[a-z0-9][a-z0-9-]{1,31}")  # a path segment: /federation/<name>/callback
# Claims an upstream may be mapped to (``--map ours=theirs``).
MAPPED = ("id_number", "name", "phone", "email")


class UpstreamError(ValueError):
    """A refused registration; ``code`` is the CLI's error code."""

    def __init__(self, code: str, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


class UpstreamDisabled(SourceRefused):
    """Unknown or disabled: its button is gone and its routes refuse."""


def add_upstream(services: Services, *, name: str, kind: SourceKind, display_name: str,
                 config: Mapping[str, Any], client_secret: str | None, actor: Actor,
                 **audit: Any) -> UpstreamProvider:
    problems = []
    if not _NAME.fullmatch(name):
        problems.append("name: 2-32 lower-case letters, digits or '-'")
    if config.get("level") not in (1, 2):
        problems.append("level: 1 or 2")
    if config.get("link_by", "none") not in LINK_POLICIES:
        problems.append(f"link-by: one of {', '.join(LINK_POLICIES)}")
    unknown = set(config.get("mapping") or {}) - set(MAPPED)
    if unknown:
        problems.append(f"map: unknown attribute(s) {', '.join(sorted(unknown))}")
    if problems:
        raise UpstreamError("invalid_request", "; ".join(problems))
    row = UpstreamProvider(
        name=name, kind=kind.value, display_name=display_name[:128], config=dict(config),
        client_secret_sealed=(services.cipher.seal(client_secret, CLIENT_SECRET)
                              if client_secret else None))
    try:
        with services.db.begin() as session:
            session.add(row)
            session.flush()
            record(session, EventType.ADMIN_ACTION, actor=actor, action="upstream.add",
                   upstream=name, kind=kind.value, **audit)
    except IntegrityError as exc:
        raise UpstreamError("already_exists", f"an upstream {name!r} exists") from exc
    return row


def list_upstreams(services: Services) -> list[UpstreamProvider]:
    with services.db.session() as session:
        return list(session.scalars(select(UpstreamProvider).order_by(UpstreamProvider.name)))


# Every login page lists the enabled upstreams: one prebuilt hot read of two columns.
_ENABLED = (select(UpstreamProvider.name, UpstreamProvider.display_name)
            .where(UpstreamProvider.disabled.is_(False)).order_by(UpstreamProvider.name))


def enabled_upstreams(services: Services) -> list[tuple[str, str]]:
    """(name, display name) of every enabled upstream, by name."""
    return [(row.name, row.display_name) for row in services.db.read_rows(_ENABLED, {})]


def upstream_names(session: Session) -> set[str]:
    """Every registered upstream's name, disabled ones too (a relying party may keep naming an
    upstream that is down for a while), in the caller's transaction."""
    return set(session.scalars(select(UpstreamProvider.name)))


def get_upstream(services: Services, name: str) -> UpstreamProvider | None:
    with services.db.session() as session:
        return session.scalar(select(UpstreamProvider).where(UpstreamProvider.name == name))


def enabled_upstream(services: Services, name: str) -> UpstreamProvider:
    row = get_upstream(services, name) if _NAME.fullmatch(name or "") else None
    if row is None or row.disabled:
        raise UpstreamDisabled("该身份提供方未启用。", f"upstream {name!r} unknown or disabled")
    return row


def set_disabled(services: Services, name: str, actor: Actor, disabled: bool = True) -> None:
    with services.db.begin() as session:
        row = session.scalar(select(UpstreamProvider).where(UpstreamProvider.name == name))
        if row is None:
            raise UpstreamError("not_found", f"no upstream {name!r}")
        row.disabled = disabled
        record(session, EventType.ADMIN_ACTION, actor=actor,
               action="upstream.disable" if disabled else "upstream.enable", upstream=name)


def public_view(row: UpstreamProvider) -> dict[str, Any]:
    """What list/show print: the configuration, never the secret (sealed or not)."""
    return {"name": row.name, "kind": row.kind, "display_name": row.display_name,
            "disabled": row.disabled, **row.config, "has_client_secret":
            row.client_secret_sealed is not None,
            "created_at": row.created_at, "updated_at": row.updated_at}


def build(services: Services, row: UpstreamProvider) -> RedirectSource:
    """The row's source, its secret unsealed for the token endpoint only."""
    secret = (services.cipher.open(row.client_secret_sealed, CLIENT_SECRET)
              if row.client_secret_sealed else None)
    config = {**row.config, "client_secret": secret}
    if row.config.get("private_jwk_sealed"):  # private_key_jwt: the sealed value is our key
        config.update(client_secret=None, private_jwk=json.loads(secret or "{}"))
    if row.kind == SourceKind.SAML:  # signs with our SAML key; its replay cache is the Store
        config.update(signing=services.signing_keys.saml_signing,
                      issuer=services.settings.issuer, store=services.store)
    source = build_source(row.kind, row.name, config)
    if not isinstance(source, RedirectSource):
        raise TypeError(f"upstream {row.name!r} is not a redirect source")
    return source
