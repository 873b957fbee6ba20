"""The relying-party list: OIDC clients and SAML SPs in one table, filtered by the role model.

A department administrator sees only the rows of their own department: each row is kept only
if ``authorize`` allows reading it for its department.
"""

from __future__ import annotations

from dataclasses import dataclass

from admin.access import allowed
from admin.principal import Admin
from admin.roles import Permission
from clients import registry
from clients.saml import registry as saml_registry
from idp.services import Services


@dataclass(frozen=True)
class RelyingParty:
    kind: str  # "oidc" | "saml"
    id: str  # client_id or entity ID
    name: str
    department: str | None
    min_level: int
    disabled: bool


def list_relying_parties(services: Services, admin: Admin, query: str = "") -> list[RelyingParty]:
    """Every relying party this administrator may read, matching query (name, id, department)."""
    rows = [
        RelyingParty("oidc", c.client_id, c.name, c.department, c.min_level, c.disabled)
        for c in registry.list_clients(services)
    ] + [
        RelyingParty("saml", s.entity_id, s.name, s.department, s.min_level, s.disabled)
        for s in saml_registry.list_sps(services)
    ]
    needle = query.strip().lower()
    return sorted(
        (rp for rp in rows
         if allowed(admin, Permission.RP_VIEW, rp.department)
         and (not needle or needle in f"{rp.name} {rp.id} {rp.department or ''}".lower())),
        key=lambda rp: (rp.department or "", rp.name, rp.id),
    )
