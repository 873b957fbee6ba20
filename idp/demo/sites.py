"""The two demo department sites, registered as real OIDC clients of the IdP."""

from __future__ import annotations

from dataclasses import dataclass

from clients.registry import list_clients, register_client, rotate_secret, update_client
from idp.audit import SYSTEM_ACTOR
from idp.services import Services


@dataclass(frozen=True)
class SiteSpec:
    key: str
    name: str
    department: str
    service: str  # what the site offers, shown on its page
    scope: str
    min_level: int = 1


@dataclass(frozen=True)
class Site:
    spec: SiteSpec
    base_url: str
    client_id: str
    client_secret: str


SITES = (
    SiteSpec("gjj", "公积金中心", "住房公积金管理中心", "住房公积金查询与提取 / housing fund",
             "openid profile phone legal_person"),
    SiteSpec("bdc", "不动产登记", "自然资源和规划局", "不动产权证查询 / real-estate register",
             "openid profile id_card legal_person", min_level=2),
)


def _metadata(spec: SiteSpec, base_url: str) -> dict:
    return {
        "client_name": spec.name, "department": spec.department,
        "redirect_uris": [f"{base_url}/callback"],
        "post_logout_redirect_uris": [f"{base_url}/"],
        "backchannel_logout_uri": f"{base_url}/backchannel-logout",
        "scope": spec.scope, "min_level": spec.min_level,
        # Government first-party systems: no consent page (issue 3).
        "first_party": True,
    }


def register_site(services: Services, spec: SiteSpec, base_url: str) -> Site:
    """Register the site's client, or on a later run update it and issue a fresh secret."""
    existing = [c for c in list_clients(services, department=spec.department)
                if c.name == spec.name]
    metadata = _metadata(spec, base_url)
    if existing:
        client_id = existing[0].client_id
        update_client(services, client_id, metadata, SYSTEM_ACTOR)
        secret = rotate_secret(services, client_id, SYSTEM_ACTOR)
    else:
        client, secret = register_client(services, metadata, SYSTEM_ACTOR)
        client_id = client.client_id
    assert secret is not None  # noqa: S101 - confidential clients always have one
    return Site(spec, base_url, client_id, secret)
