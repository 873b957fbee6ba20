"""Console operations on SAML service providers.

Registration goes through ``idp.saml.sp_metadata.import_sp``; the registry
has no policy-update function, so ``update_policy`` here changes the policy columns itself,
in one transaction with CLIENT_CHANGE and ADMIN_ACTION (before and after).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from admin.access import require
from admin.errors import AdminError
from admin.principal import Admin
from admin.roles import Permission
from admin.trail import need_reason, record_action
from clients.errors import InvalidClientMetadata
from clients.metadata import changes
from clients.policy import account_classes, first_factors, upstreams
from clients.saml import registry
from clients.saml.metadata import MetadataError
from clients.saml.models import ServiceProvider
from federation.upstreams import upstream_names
from idp.audit import EventType, record
from idp.claims import KNOWN_CLAIMS
from idp.saml.sp_metadata import import_sp
from idp.services import Services

POLICY = ("name", "department", "allowed_attributes", "min_level", "sign_response",
          "encrypt_assertions", "first_factors", "account_classes", "upstreams")


def _view(sp: ServiceProvider) -> dict[str, Any]:
    return {**{f: getattr(sp, f) for f in POLICY}, "disabled": sp.disabled}


def get_sp(services: Services, admin: Admin, entity_id: str) -> ServiceProvider:
    sp = registry.get_sp(services, entity_id)
    if sp is None:
        raise AdminError("not_found", status=404)
    require(admin, Permission.RP_VIEW, sp.department)
    return sp


def register(
    services: Services, admin: Admin, xml_bytes: bytes, reason: str | None, *,
    department: str | None = None, name: str | None = None,
    allowed_attributes: list[str] | None = None, min_level: int = 1,
    account_classes: list[str] | None = None, first_factors: list[str] | None = None,
    upstreams: list[str] | None = None,
) -> ServiceProvider:
    why = need_reason(reason)
    classes = _account_classes(account_classes)
    factors = None if first_factors is None else _first_factors(first_factors)
    require(admin, Permission.RP_REGISTER, department)
    for field, value in (("name", name), ("department", department)):
        if value is not None and len(value) > 200:  # the columns' size
            raise AdminError("bad_input", f"{field}: at most 200 characters")
    if not xml_bytes:
        raise AdminError("bad_input", "请上传元数据文件或填写地址 / give a file or a URL")
    attributes = _attributes(allowed_attributes or [])
    try:
        sp = import_sp(
            services, xml_bytes, admin.actor, department=department, name=name or None,
            allowed_attributes=attributes, min_level=min_level, account_classes=classes,
            first_factors=factors, upstreams=_upstreams(upstreams) if upstreams else None)
    except MetadataError as exc:
        # The API's code stays bad_input (programs match it); the text says which file is wrong.
        raise AdminError("bad_input", f"SAML 元数据无法读取：{exc}") from exc
    except InvalidClientMetadata as exc:  # an upstream not registered (issue 15)
        raise AdminError("bad_input", exc.description) from exc
    with services.db.begin() as session:
        record_action(session, admin, "saml.register", why, target=sp.entity_id,
                      client_id=sp.entity_id, before=None, after=_view(sp))
    return sp


def update_policy(
    services: Services, admin: Admin, entity_id: str, values: Mapping[str, Any], reason: str | None
) -> ServiceProvider:
    why = need_reason(reason)
    wanted = _clean(values)
    with services.db.begin() as session:
        sp = session.get(ServiceProvider, entity_id)
        if sp is None:
            raise AdminError("not_found", status=404)
        require(admin, Permission.RP_EDIT, sp.department)
        if "department" in wanted and wanted["department"] != sp.department:
            require(admin, Permission.RP_EDIT, wanted["department"])
        if wanted.get("upstreams"):  # issue 15: registered upstreams only
            _upstreams(wanted["upstreams"], upstream_names(session))
        before = _view(sp)
        for field, value in wanted.items():
            setattr(sp, field, value)
        old, new = changes(before, _view(sp))
        record(session, EventType.CLIENT_CHANGE, actor=admin.actor, client_id=entity_id,
               action="saml.update", before=old, after=new)
        record_action(session, admin, "saml.update", why, target=entity_id,
                      client_id=entity_id, before=old, after=new)
    return sp


def set_disabled(
    services: Services, admin: Admin, entity_id: str, disabled: bool, reason: str | None
) -> None:
    why = need_reason(reason)
    sp = get_sp(services, admin, entity_id)
    require(admin, Permission.RP_DISABLE, sp.department)
    registry.set_disabled(services, entity_id, disabled, admin.actor)
    with services.db.begin() as session:
        record_action(session, admin, "saml.disable" if disabled else "saml.enable", why,
                      target=entity_id, client_id=entity_id,
                      before={"disabled": sp.disabled}, after={"disabled": disabled})


def _attributes(names: list[str]) -> list[str]:
    unknown = [n for n in names if n not in KNOWN_CLAIMS]
    if unknown:
        raise AdminError("bad_input", f"unknown attribute {unknown[0][:64]!r}")
    return sorted(set(names))


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "name" in values:
        name = str(values["name"] or "").strip()
        if not name or len(name) > 200:
            raise AdminError("bad_input", "name: 1-200 characters")
        out["name"] = name
    if "department" in values:
        out["department"] = (str(values["department"] or "").strip() or None)
        if out["department"] is not None and len(out["department"]) > 200:
            raise AdminError("bad_input", "department: at most 200 characters")
    if "allowed_attributes" in values:
        out["allowed_attributes"] = _attributes(_as_list(values["allowed_attributes"]))
    if "min_level" in values:
        try:
            out["min_level"] = int(values["min_level"])
        except (TypeError, ValueError):
            out["min_level"] = 0
        if out["min_level"] not in registry.LEVELS:
            raise AdminError("bad_input", "min_level: 1, 2 or 3")
    if "first_factors" in values:
        out["first_factors"] = _first_factors(_as_list(values["first_factors"]))
    if "upstreams" in values:
        out["upstreams"] = _upstreams(_as_list(values["upstreams"]))
    if "account_classes" in values:
        out["account_classes"] = _account_classes(_as_list(values["account_classes"]))
    for flag in ("sign_response", "encrypt_assertions"):
        if flag in values:
            out[flag] = values[flag] in (True, "1", "on", "true")
    return out


def _first_factors(value: list[str]) -> list[str]:
    """Some of password, sms, passkey, scan (issue 13), checked as the registry checks them
    (none at all is refused)."""
    try:
        return first_factors(value)
    except InvalidClientMetadata as exc:
        raise AdminError("bad_input", exc.description) from exc


def _upstreams(value: object, registered: set[str] | None = None) -> list[str]:
    """Names of upstream identity providers (issue 15; none: every enabled one), checked as
    the registry checks them."""
    try:
        return upstreams(value, registered)
    except InvalidClientMetadata as exc:
        raise AdminError("bad_input", exc.description) from exc


def _account_classes(value: list[str] | None) -> list[str]:
    """Citizens, staff or both (issue 14), checked as the registry checks them."""
    try:
        return account_classes(value)
    except InvalidClientMetadata as exc:
        raise AdminError("bad_input", exc.description) from exc


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v for v in str(value or "").split() if v]
