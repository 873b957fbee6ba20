"""A client's policy: its name, scopes, claims, assurance level, lifetimes, keys.

Only administrators (CLI, console) set policy fields; dynamic registrants get the defaults and
scopes capped at ``DYNAMIC_SCOPES`` (a resident ID number or a company's data are never given
to a client that registered itself).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from clients.errors import InvalidClientMetadata
from clients.grant_types import PERSON_GRANTS
from idp.accounts.enums import AccountClass
from idp.claims import KNOWN_CLAIMS, SUPPORTED_SCOPES, claims_for_scopes
from idp.sso.first_factors import ALL_FIRST_FACTORS

DEFAULT_SCOPES = ("openid", "profile", "email", "phone", "address")
DYNAMIC_SCOPES = frozenset({*DEFAULT_SCOPES, "offline_access"})
# Fields a registrant may not set (nor change through RFC 7592); kept on update.
POLICY_FIELDS = (
    "department", "allowed_claims", "min_level", "first_party", "allow_refresh",
    "access_token_lifetime", "refresh_token_lifetime", "refresh_token_absolute_lifetime",
    "id_token_lifetime", "account_classes", "first_factors", "upstreams",
)
# The classes of account a relying party may admit (issue 14). Existing and new clients admit
# citizens only: a staff account reaches a relying party only where an administrator said so.
ACCOUNT_CLASSES = ("person", "staff")
DEFAULT_ACCOUNT_CLASSES = ("person",)
# (minimum, maximum, default) in seconds.
LIFETIMES = {
    "access_token_lifetime": (60, 86400, 600),
    "id_token_lifetime": (60, 86400, 600),
    "refresh_token_lifetime": (300, 90 * 86400, 8 * 3600),
    "refresh_token_absolute_lifetime": (300, 365 * 86400, 30 * 86400),
}
# RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
_SCOPE_TOKEN = re.compile(r"^[\x21\x23-\x5b\x5d-\x7e]+$")
_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "k", "oth"})


def _bad(field: str, reason: str) -> InvalidClientMetadata:
    return InvalidClientMetadata(f"{field} {reason}")


def client_name(metadata: Mapping[str, Any], *, required: bool) -> str:
    name = metadata.get("client_name")
    if name is None and not required:
        return "未命名应用 (unnamed client)"
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise _bad("client_name", "must be a non-empty string of at most 200 characters")
    return name.strip()


def check_public_jwks(jwks: object) -> None:
    """A JWK Set of public asymmetric keys (RFC 7517 §5), as private_key_jwt needs."""
    if not isinstance(jwks, Mapping) or not isinstance(jwks.get("keys"), list):
        raise _bad("jwks", 'must be a JWK Set: {"keys": [...]}')
    if not jwks["keys"] or len(jwks["keys"]) > 20:
        raise _bad("jwks", "must hold between 1 and 20 keys")
    for key in jwks["keys"]:
        if not isinstance(key, Mapping) or _PRIVATE_MEMBERS & set(key):
            raise _bad("jwks", "must hold only public asymmetric keys")
    try:
        KeySet.import_key_set(dict(jwks))
    except (JoseError, ValueError, TypeError) as exc:
        raise _bad("jwks", "holds a key that cannot be read") from exc


def _int(metadata: Mapping[str, Any], field: str, low: int, high: int, default: int) -> int:
    value = metadata.get(field, default)
    if type(value) is not int or not low <= value <= high:
        raise _bad(field, f"must be an integer from {low} to {high}")
    return value


def _flag(metadata: Mapping[str, Any], field: str) -> bool:
    value = metadata.get(field, False)
    if not isinstance(value, bool):
        raise _bad(field, "must be true or false")
    return value


def policy_fields(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The administrator-only fields, validated, with their defaults."""
    department = metadata.get("department")
    if department is not None and (not isinstance(department, str) or len(department) > 200):
        raise _bad("department", "must be a string of at most 200 characters")
    values: dict[str, Any] = {
        "department": department or None,
        "min_level": _int(metadata, "min_level", 1, 3, 1),
        "first_party": _flag(metadata, "first_party"),
        "allow_refresh": _flag(metadata, "allow_refresh"),
    }
    values["account_classes"] = account_classes(metadata.get("account_classes"))
    values["first_factors"] = first_factors(metadata.get("first_factors"))
    values["upstreams"] = upstreams(metadata.get("upstreams"))
    for field, (low, high, default) in LIFETIMES.items():
        values[field] = _int(metadata, field, low, high, default)
    if values["refresh_token_absolute_lifetime"] < values["refresh_token_lifetime"]:
        raise _bad("refresh_token_absolute_lifetime", "must not be shorter than the sliding one")
    claims = metadata.get("allowed_claims")
    if claims is not None:
        if not isinstance(claims, list) or not all(c in KNOWN_CLAIMS for c in claims):
            raise _bad("allowed_claims", f"may only name {', '.join(sorted(KNOWN_CLAIMS))}")
        values["allowed_claims"] = sorted(set(claims))
    return values


def account_classes(value: object) -> list[str]:
    """A validated account_classes list: some of ACCOUNT_CLASSES, "person" when absent."""
    if value is None:
        return list(DEFAULT_ACCOUNT_CLASSES)
    if not isinstance(value, list) or not value or not set(value) <= set(ACCOUNT_CLASSES):
        raise _bad("account_classes", f"must list one or both of {', '.join(ACCOUNT_CLASSES)}")
    return [c for c in ACCOUNT_CLASSES if c in value]


def first_factors(value: object) -> list[str]:
    """A validated first_factors list (issue 13): some of password, sms, passkey, scan; every
    one when absent."""
    if value is None:
        return list(ALL_FIRST_FACTORS)
    if not isinstance(value, list) or not value or not set(value) <= set(ALL_FIRST_FACTORS):
        raise _bad("first_factors", f"must list some of {', '.join(ALL_FIRST_FACTORS)}")
    return [f for f in ALL_FIRST_FACTORS if f in value]


def upstreams(value: object, registered: Collection[str] | None = None) -> list[str]:
    """A validated upstreams list (issue 15): names of upstream identity providers, sorted;
    empty (or absent) accepts every enabled one. With ``registered`` (the names the upstream
    registry holds, ``federation.upstreams.upstream_names``) a name it lacks is refused: a typo
    would otherwise hide every upstream button from the relying party."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > 50 or not all(
            isinstance(name, str) and 0 < len(name) <= 32 for name in value):
        raise _bad("upstreams", "must be a list of upstream identity provider names")
    unknown = sorted(set(value) - set(registered)) if registered is not None else []
    if unknown:
        raise _bad("upstreams", f"names no registered upstream identity provider: "
                   f"{', '.join(unknown)}")
    return sorted(set(value))


def admits(classes: list[str] | None, account_class: str) -> bool:
    """Whether a relying party admitting ``classes`` admits an account of ``account_class``:
    staff accounts where "staff" is listed, every other account (citizens, administrators)
    where "person" is."""
    wanted = "staff" if account_class == AccountClass.STAFF else "person"
    return wanted in (classes or DEFAULT_ACCOUNT_CLASSES)


def settle_scopes(
    values: dict[str, Any], metadata: Mapping[str, Any], *, trusted: bool,
    ceiling: set[str] | None,
) -> None:
    """Fill allowed_scopes and allowed_claims, keeping scopes and grants consistent."""
    raw = metadata.get("scope")
    if raw is not None and not isinstance(raw, str):
        raise _bad("scope", "must be a space-separated string")
    scopes = list(dict.fromkeys(raw.split())) if raw is not None else list(DEFAULT_SCOPES)
    if any(not _SCOPE_TOKEN.match(s) for s in scopes):
        raise _bad("scope", "holds a character RFC 6749 §3.3 does not allow")
    if not trusted:
        # RFC 7591 §3.2.1: the server may replace requested values with suitable ones.
        cap = DYNAMIC_SCOPES | (ceiling or set())
        scopes = [s for s in scopes if s in cap]
    unknown = [s for s in scopes if s not in SUPPORTED_SCOPES]
    if unknown:
        # An administrator's typo would otherwise be stored and silently grant nothing.
        raise _bad("scope", f"holds scopes this IdP does not define: {' '.join(unknown)}; "
                   f"it defines {' '.join(SUPPORTED_SCOPES)}")
    grants: list[str] = values["grant_types"]
    if any(grant in PERSON_GRANTS for grant in grants):
        if "openid" not in scopes:
            scopes.insert(0, "openid")
        # Refresh tokens come with offline_access (OIDC Core §11) or by client policy.
        if ("offline_access" in scopes or values.get("allow_refresh")) and (
            "refresh_token" not in grants
        ):
            grants.append("refresh_token")
    if "refresh_token" in grants and "offline_access" not in scopes:
        scopes.append("offline_access")
    values["allowed_scopes"] = scopes
    if "allowed_claims" not in values:
        values["allowed_claims"] = sorted(claims_for_scopes(scopes))
