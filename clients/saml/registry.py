"""Service functions of the SP registry: register from metadata, look up, list, change."""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import asdict
from typing import TYPE_CHECKING

from sqlalchemy import select

from clients import policy
from clients.errors import InvalidClientMetadata
from clients.saml.metadata import MetadataError, SpMetadata
from clients.saml.models import ServiceProvider
from federation.upstreams import upstream_names
from idp.audit import Actor, EventType, Outcome, record

if TYPE_CHECKING:
    from idp.services import Services

LEVELS = (1, 2, 3)
# Every SSO request looks its SP up; a per-process cache saves that query. A change made on
# another node is seen within this many seconds (changes made here are seen at once).
CACHE_SECONDS = 5.0
_caches: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Database -> {id: entry}
_cache_lock = threading.Lock()


def register_sp(
    services: Services, meta: SpMetadata, xml_bytes: bytes, actor: Actor, *,
    department: str | None = None, name: str | None = None,
    allowed_attributes: list[str] | None = None, min_level: int = 1,
    sign_response: bool = False, replace: bool = False, account_classes: list[str] | None = None,
    first_factors: list[str] | None = None, upstreams: list[str] | None = None,
) -> ServiceProvider:
    """Register (or, with replace, re-import) the SP of already read and trusted metadata
    (``idp.saml.sp_metadata.import_sp`` reads it); MetadataError names what is wrong,
    InvalidClientMetadata an upstream identity provider that is not registered.
    xml_bytes is kept as the registration's record of what was imported."""
    if min_level not in LEVELS:
        raise MetadataError(f"min_level must be one of {LEVELS}")
    try:
        classes = policy.account_classes(account_classes)
        factors = policy.first_factors(first_factors)
    except InvalidClientMetadata as exc:
        raise MetadataError(exc.description) from exc
    if len(name or "") > 200 or len(department or "") > 200:
        raise MetadataError("name and department are at most 200 characters")
    fields = asdict(meta)
    fields["name"] = (name or meta.name or meta.entity_id)[:200]
    with services.db.begin() as session:
        # Not the metadata's fault: InvalidClientMetadata names the unknown upstream.
        named = policy.upstreams(upstreams, upstream_names(session))
        sp = session.get(ServiceProvider, meta.entity_id)
        if sp is not None and not replace:
            raise MetadataError(f"an SP with entity ID {meta.entity_id!r} is already registered")
        if sp is None:
            sp = ServiceProvider(entity_id=meta.entity_id, disabled=False,
                                 encrypt_assertions=True)
            session.add(sp)
        for key, value in fields.items():
            setattr(sp, key, value)
        sp.department = department
        sp.allowed_attributes = list(allowed_attributes or [])
        sp.min_level = min_level
        if account_classes is not None or not sp.account_classes:  # a re-import keeps them
            sp.account_classes = classes
        if first_factors is not None or not sp.first_factors:
            sp.first_factors = factors
        if upstreams is not None or sp.upstreams is None:  # a re-import keeps them
            sp.upstreams = named
        sp.sign_response = sign_response
        sp.metadata_xml = xml_bytes.decode("utf-8", "replace")
        record(session, EventType.CLIENT_CHANGE, Outcome.SUCCESS, actor=actor,
               client_id=meta.entity_id[:128],
               action="saml.register" if not replace else "saml.update", department=department)
    _forget(meta.entity_id)
    return sp


def get_sp(services: Services, entity_id: str | None) -> ServiceProvider | None:
    """The registered SP (possibly disabled), or None; read-only (detached) object."""
    if not entity_id or len(entity_id) > 1024:
        return None
    cache = _caches.get(services.db)
    hit = cache.get(entity_id) if cache is not None else None
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    with services.db.session() as session:
        sp = session.get(ServiceProvider, entity_id)
    with _cache_lock:
        cache = _caches.setdefault(services.db, {})
        if len(cache) > 4096:
            cache.clear()
        cache[entity_id] = (time.monotonic() + CACHE_SECONDS, sp)
    return sp


def _forget(entity_id: str) -> None:
    with _cache_lock:
        for cache in _caches.values():
            cache.pop(entity_id, None)


def list_sps(services: Services, department: str | None = None) -> list[ServiceProvider]:
    query = select(ServiceProvider).order_by(ServiceProvider.entity_id)
    if department is not None:
        query = query.where(ServiceProvider.department == department)
    with services.db.session() as session:
        return list(session.scalars(query))


def set_first_factors(services: Services, entity_id: str, factors: list[str],
                      actor: Actor) -> ServiceProvider | None:
    """Set the first factors an SP accepts (issue 13); None for an unknown SP.
    ``InvalidClientMetadata`` names a factor that does not exist."""
    factors = policy.first_factors(factors)
    with services.db.begin() as session:
        sp = session.get(ServiceProvider, entity_id)
        if sp is None:
            return None
        before, sp.first_factors = sp.first_factors, factors
        record(session, EventType.CLIENT_CHANGE, actor=actor, client_id=entity_id[:128],
               action="saml.update", before={"first_factors": before},
               after={"first_factors": factors})
    _forget(entity_id)
    return sp


def set_upstreams(services: Services, entity_id: str, names: list[str],
                  actor: Actor) -> ServiceProvider | None:
    """Set the upstream identity providers an SP accepts (issue 15; empty: every enabled one);
    None for an unknown SP. ``InvalidClientMetadata`` names an upstream not registered."""
    with services.db.begin() as session:
        names = policy.upstreams(names, upstream_names(session))
        sp = session.get(ServiceProvider, entity_id)
        if sp is None:
            return None
        before, sp.upstreams = sp.upstreams, names
        record(session, EventType.CLIENT_CHANGE, actor=actor, client_id=entity_id[:128],
               action="saml.update", before={"upstreams": before}, after={"upstreams": names})
    _forget(entity_id)
    return sp


def set_account_classes(services: Services, entity_id: str, classes: list[str],
                        actor: Actor) -> ServiceProvider | None:
    """Set which accounts an SP admits, citizens ("person"), staff or both (issue 14); None
    for an unknown SP. ``InvalidClientMetadata`` names a class that does not exist."""
    classes = policy.account_classes(classes)
    with services.db.begin() as session:
        sp = session.get(ServiceProvider, entity_id)
        if sp is None:
            return None
        before, sp.account_classes = sp.account_classes, classes
        record(session, EventType.CLIENT_CHANGE, actor=actor, client_id=entity_id[:128],
               action="saml.update", before={"account_classes": before},
               after={"account_classes": classes})
    _forget(entity_id)
    return sp


def set_disabled(services: Services, entity_id: str, disabled: bool, actor: Actor) -> bool:
    with services.db.begin() as session:
        sp = session.get(ServiceProvider, entity_id)
        if sp is None:
            return False
        sp.disabled = disabled
        record(session, EventType.CLIENT_CHANGE, actor=actor, client_id=entity_id[:128],
               action="saml.disable" if disabled else "saml.enable")
    _forget(entity_id)
    return True
