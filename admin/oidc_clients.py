"""Console operations on OIDC clients, through the registry's service functions.

Each change checks the role model for the client's department (and, when it moves, the new
one), needs a reason, and is audited twice in one transaction: CLIENT_CHANGE (the registry's,
with before/after) and ADMIN_ACTION (ours, with the reason and before/after).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from admin.access import require
from admin.errors import AdminError
from admin.first_party import is_console_client
from admin.principal import Admin
from admin.roles import Permission, departments
from admin.trail import need_reason, record_action
from clients import registry
from clients.metadata import audit_view, changes
from clients.models import OidcClient
from clients.validation import validate_metadata
from idp.services import Services


def _load(session, client_id: str) -> OidcClient:
    client = registry.get_client(session, client_id)
    if client is None:
        raise AdminError("not_found", status=404)
    return client


def _not_the_console(client: OidcClient) -> None:
    # Changing the console's own client from the console could lock every admin out.
    if is_console_client(client):
        raise AdminError("protected", status=409)


def _with_own_department(admin: Admin, metadata: Mapping[str, Any]) -> Mapping[str, Any]:
    """A department administrator who names no department registers into their own."""
    scope = departments(admin.grants, Permission.RP_REGISTER)
    if not metadata.get("department") and scope is not None and len(scope) == 1:
        return {**metadata, "department": next(iter(scope))}
    return metadata


def get_client(services: Services, admin: Admin, client_id: str) -> OidcClient:
    with services.db.session() as session:
        client = _load(session, client_id)
    require(admin, Permission.RP_VIEW, client.department)
    return client


def register(
    services: Services, admin: Admin, metadata: Mapping[str, Any], reason: str | None
) -> tuple[OidcClient, str | None]:
    """A new client; returns it and its secret (shown once, never stored in clear)."""
    why = need_reason(reason)
    metadata = _with_own_department(admin, metadata)
    require(admin, Permission.RP_REGISTER, metadata.get("department"))
    values = validate_metadata(metadata, trusted=True)
    with services.db.begin() as session:
        client, secret = registry.create_in(session, services, values, admin.actor)
        record_action(session, admin, "client.register", why, target=client.client_id,
                      client_id=client.client_id, before=None, after=audit_view(client))
    return client, secret


def update(
    services: Services, admin: Admin, client_id: str, metadata: Mapping[str, Any],
    reason: str | None,
) -> tuple[OidcClient, str | None]:
    """Change a client's policy (merged into its current metadata)."""
    why = need_reason(reason)
    with services.db.begin() as session:
        client = _load(session, client_id)
        require(admin, Permission.RP_EDIT, client.department)
        _not_the_console(client)
        if "department" in metadata and metadata["department"] != client.department:
            require(admin, Permission.RP_EDIT, metadata["department"])
        before = audit_view(client)
        secret = registry.update_in(session, services, client, metadata, admin.actor,
                                    trusted=True, replace=False)
        old, new = changes(before, audit_view(client))
        record_action(session, admin, "client.update", why, target=client_id,
                      client_id=client_id, before=old, after=new)
    return client, secret


def set_disabled(
    services: Services, admin: Admin, client_id: str, disabled: bool, reason: str | None
) -> OidcClient:
    why = need_reason(reason)
    client = get_client(services, admin, client_id)
    require(admin, Permission.RP_DISABLE, client.department)
    _not_the_console(client)
    # The registry's function owns its transaction; our record follows in a second one.
    client = registry.disable_client(services, client_id, admin.actor, disabled=disabled)
    with services.db.begin() as session:
        record_action(session, admin, "client.disable" if disabled else "client.enable", why,
                      target=client_id, client_id=client_id,
                      before={"disabled": not disabled}, after={"disabled": disabled})
    return client


def rotate_secret(services: Services, admin: Admin, client_id: str, reason: str | None) -> str:
    """A new secret replacing the old one at once (shown once)."""
    why = need_reason(reason)
    client = get_client(services, admin, client_id)
    require(admin, Permission.RP_ROTATE_SECRET, client.department)
    _not_the_console(client)
    secret = registry.rotate_secret(services, client_id, admin.actor)
    with services.db.begin() as session:
        # The secret itself is never audited: only that it changed.
        record_action(session, admin, "client.rotate_secret", why, target=client_id,
                      client_id=client_id, before={"secret": "old"}, after={"secret": "new"})
    return secret
