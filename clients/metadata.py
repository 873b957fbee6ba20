"""A client as RFC 7591 / OIDC Registration metadata (what registration responses return)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from clients.models import OidcClient
from clients.policy import POLICY_FIELDS

REGISTERED_FIELDS = (
    "application_type", "token_endpoint_auth_method", "grant_types", "response_types",
    "redirect_uris", "post_logout_redirect_uris", "backchannel_logout_uri",
    "backchannel_logout_session_required", "frontchannel_logout_uri",
    "frontchannel_logout_session_required", "subject_type", "sector_identifier_uri",
    "id_token_signed_response_alg", "userinfo_signed_response_alg", "jwks", "jwks_uri",
)


def to_metadata(client: OidcClient, *, policy: bool = False) -> dict[str, Any]:
    """The client's registered metadata (no secret); ``policy`` adds administrator fields."""
    data: dict[str, Any] = {
        "client_id": client.client_id,
        "client_name": client.name,
        "client_id_issued_at": _epoch(client.created_at),
        "scope": " ".join(client.allowed_scopes),
    }
    data.update({f: getattr(client, f) for f in REGISTERED_FIELDS})
    data.update(client.extra or {})
    if policy:
        data.update({f: getattr(client, f) for f in POLICY_FIELDS})
        data["disabled"] = client.disabled
        data["sector_identifier"] = client.sector_identifier
    return {k: v for k, v in data.items() if v is not None}


def _epoch(when: datetime | None) -> int | None:
    if when is None:
        return None
    # SQLite hands back naive datetimes; every stored time is UTC.
    return int((when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp())


def audit_view(client: OidcClient) -> dict[str, Any]:
    """Every non-secret field, for CLIENT_CHANGE before/after."""
    data = to_metadata(client, policy=True)
    data.pop("client_id_issued_at", None)
    return data


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the fields that differ: (their old values, their new values)."""
    keys = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}
