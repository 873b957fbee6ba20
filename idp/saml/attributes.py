"""Attribute release: the same claims as OIDC (``idp.claims.release``) under SAML names.

Each claim becomes an Attribute with a URI name (NameFormat uri) and a FriendlyName. Standard
OIDs where one exists (eduPerson/inetOrgPerson/SCHAC), ``urn:yiwang:attribute:*`` otherwise.
"""

from __future__ import annotations

from typing import Any

from idp.claims import SCOPE_CLAIMS, release

# claim -> (attribute Name, FriendlyName)
ATTRIBUTES: dict[str, tuple[str, str]] = {
    "name": ("urn:oid:2.16.840.1.113730.3.1.241", "name"),  # displayName
    "preferred_username": ("urn:oid:0.9.2342.19200300.100.1.1", "username"),  # uid
    "email": ("urn:oid:0.9.2342.19200300.100.1.3", "email"),  # mail
    "phone_number": ("urn:oid:2.5.4.20", "phone"),  # telephoneNumber
    # SCHAC personalUniqueID: a national identity number. Released only when allowed.
    "id_card": ("urn:oid:1.3.6.1.4.1.25178.1.2.15", "id_card"),
    "acr": ("urn:yiwang:attribute:assurance_level", "assurance_level"),
    # A staff account's directory data (issue 14): ou, employeeNumber, isMemberOf.
    "department": ("urn:oid:2.5.4.11", "department"),
    "employee_number": ("urn:oid:2.16.840.1.113730.3.1.3", "employee_number"),
    "groups": ("urn:oid:1.3.6.1.4.1.5923.1.5.1.1", "groups"),  # eduMember isMemberOf
}
LEGAL_PERSON = {
    "name": ("urn:yiwang:attribute:legal_person_name", "legal_person_name"),
    "credit_code": ("urn:yiwang:attribute:legal_person_credit_code", "legal_person_credit_code"),
    "role": ("urn:yiwang:attribute:legal_person_role", "legal_person_role"),
}
# SAML has no scopes: an SP receives every claim its policy allows.
_ALL_SCOPES = tuple(SCOPE_CLAIMS)


def released(
    person_claims: dict[str, Any], acting_for: dict[str, Any] | None, level: int,
    allowed: list[str],
) -> list[tuple[str, str, list[str]]]:
    """[(Name, FriendlyName, values)] for an SP whose policy allows the claims in allowed."""
    claims = release({**person_claims, "acr": str(level)}, acting_for, _ALL_SCOPES, allowed)
    out: list[tuple[str, str, list[str]]] = []
    for claim, value in claims.items():
        if claim == "legal_person":
            out += [(*LEGAL_PERSON[k], [str(v)]) for k, v in value.items() if k in LEGAL_PERSON]
        elif claim in ATTRIBUTES:
            values = value if isinstance(value, list) else [value]  # groups: one value each
            out.append((*ATTRIBUTES[claim], [str(v) for v in values]))
    return out
