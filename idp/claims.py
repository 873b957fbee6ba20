"""Claims release, shared by OIDC and SAML: which of a person's data a relying party receives.

A claim is released only when (1) a granted scope names it (OIDC Core §5.4) or the request's
``claims`` parameter asks for it (§5.5), and (2) the client's registered policy allows it.
Rule (2) has no exception: a client never receives a claim its policy does not allow, whatever
it asks for.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

# OIDC Core §5.4 plus the two government scopes of issue 3.
SCOPE_CLAIMS: dict[str, tuple[str, ...]] = {
    "openid": ("sub",),
    "profile": ("name", "preferred_username", "updated_at"),
    "email": ("email", "email_verified"),
    "phone": ("phone_number", "phone_number_verified"),
    "address": ("address",),
    "id_card": ("id_card",),  # the resident ID number: only for clients whose policy allows it
    "legal_person": ("legal_person",),  # {name, credit_code, role} when acting for one
    # Issue 14: a staff account's directory data (the caller passes it in: this core does not
    # read federation's tables); a citizen's account has none, so it never carries them.
    "staff": ("department", "employee_number", "groups"),
}
# Every scope this IdP defines, as discovery's scopes_supported says: the claim scopes and
# offline_access (OIDC Core §11). Clients are registered with these only.
SUPPORTED_SCOPES: tuple[str, ...] = (*SCOPE_CLAIMS, "offline_access")
# Released whenever present: the subject and the assurance level reached.
ALWAYS = frozenset({"sub", "acr"})
KNOWN_CLAIMS = frozenset(c for claims in SCOPE_CLAIMS.values() for c in claims) | ALWAYS


def claims_for_scopes(scopes: Iterable[str]) -> set[str]:
    return {claim for scope in scopes for claim in SCOPE_CLAIMS.get(scope, ())}


def person_values(person_claims: Mapping[str, Any], acting_for: Mapping[str, Any] | None) -> dict:
    """OIDC claim names from ``idp.accounts.service.person_claims`` (plus optional ``sub``,
    ``acr``, ``username``/``preferred_username``, ``updated_at``, ``email_verified``, and a
    staff account's ``department``, ``employee_number``, ``groups``)."""
    phone = person_claims.get("phone_number", person_claims.get("phone"))
    email = person_claims.get("email")
    values = {
        "sub": person_claims.get("sub"),
        "acr": person_claims.get("acr"),
        "name": person_claims.get("name"),
        "preferred_username": person_claims.get(
            "preferred_username", person_claims.get("username")
        ),
        "updated_at": person_claims.get("updated_at"),
        "email": email,
        "email_verified": bool(person_claims.get("email_verified", False)) if email else None,
        "phone_number": phone,
        # Level 1 accounts are registered with a verified phone (DESIGN, identity model).
        "phone_number_verified": bool(person_claims.get("phone_number_verified", True))
        if phone else None,
        "address": person_claims.get("address"),
        "id_card": person_claims.get("id_card", person_claims.get("id_number")),
        "legal_person": _legal_person(acting_for),
        "department": person_claims.get("department"),
        "employee_number": person_claims.get("employee_number"),
        "groups": list(person_claims["groups"]) if person_claims.get("groups") else None,
    }
    return {k: v for k, v in values.items() if v is not None}


def _legal_person(acting_for: Mapping[str, Any] | None) -> dict[str, str] | None:
    if not acting_for:
        return None
    return {k: acting_for[k] for k in ("name", "credit_code", "role") if k in acting_for}


def requested_claim_names(requested_claims: Mapping[str, Any] | None) -> set[str]:
    """Names in the OIDC ``claims`` parameter (§5.5), for either target (userinfo/id_token)."""
    if not isinstance(requested_claims, Mapping):
        return set()
    return {name for name in requested_claims if isinstance(name, str)}


def release(
    person_claims: Mapping[str, Any],
    session_acting_for: Mapping[str, Any] | None,
    scopes: Iterable[str] | str,
    allowed_claims: Iterable[str],
    requested_claims: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The claims this client receives.

    ``requested_claims`` is one member of the ``claims`` parameter (``{"name": {"essential":
    true}, ...}``, the ``userinfo`` or ``id_token`` object); those names are honoured when the
    client's policy allows them, even outside the granted scopes (OIDC Core §5.5.1).
    """
    scope_list = scopes.split() if isinstance(scopes, str) else list(scopes)
    wanted = claims_for_scopes(scope_list) | requested_claim_names(requested_claims) | ALWAYS
    permitted = set(allowed_claims) | ALWAYS
    values = person_values(person_claims, session_acting_for)
    return {name: values[name] for name in sorted(wanted & permitted) if name in values}


class _SubjectClient(Protocol):
    subject_type: str
    sector_identifier: str | None
    client_id: str


def subject_for(client: _SubjectClient, account_id: str, salt: bytes | str) -> str:
    """The ``sub`` this client sees (OIDC Core §8).

    public: the account id. pairwise (§8.1): base64url(SHA-256(sector || account id || salt)),
    so clients of different sectors cannot correlate a person; the salt is a server data key.
    """
    if client.subject_type != "pairwise":
        return account_id
    sector = client.sector_identifier or client.client_id
    salt_bytes = salt.encode() if isinstance(salt, str) else salt
    digest = hashlib.sha256(sector.encode() + account_id.encode() + salt_bytes).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
