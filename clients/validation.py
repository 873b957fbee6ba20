"""Client metadata validation per RFC 7591 §2 and OpenID Connect Dynamic Registration §2.

``validate_metadata`` turns registration metadata (RFC 7591 names) into ``OidcClient`` field
values, or raises ``InvalidRedirectUri`` / ``InvalidClientMetadata`` with a description.
Registrants through ``POST /connect/register`` are untrusted: policy fields (department, allowed
claims, minimum level, first party, lifetimes) are ignored for them (RFC 7591 §3.2.1 lets the
server replace requested values) and their scopes are capped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from clients import policy
from clients.errors import InvalidClientMetadata, InvalidRedirectUri
from clients.grant_types import GRANT_TYPES
from clients.sector import fetch_sector_uris
from clients.uri_rules import host, origin, redirect_uri_problem, web_uri_problem

AUTH_METHODS = ("client_secret_basic", "client_secret_post", "private_key_jwt", "none")
SIGNING_ALGS = ("RS256", "ES256", "PS256", "EdDSA")
INFO_URIS = ("client_uri", "logo_uri", "policy_uri", "tos_uri", "initiate_login_uri")

Fetch = Callable[[str], list[str]]


def _bad(field: str, reason: str) -> InvalidClientMetadata:
    return InvalidClientMetadata(f"{field} {reason}")


def _str_list(metadata: Mapping[str, Any], field: str, default: list[str]) -> list[str]:
    value = metadata.get(field)
    if value is None:
        return list(default)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(field, "must be an array of strings")
    return list(dict.fromkeys(value))


def _choice(metadata: Mapping[str, Any], field: str, choices: tuple, default: str) -> str:
    value = metadata.get(field, default)
    if value not in choices:
        raise _bad(field, f"must be one of {', '.join(choices)}")
    return value


def _bool(metadata: Mapping[str, Any], field: str, default: bool) -> bool:
    value = metadata.get(field, default)
    if not isinstance(value, bool):
        raise _bad(field, "must be true or false")
    return value


def _optional_uri(metadata: Mapping[str, Any], field: str) -> str | None:
    value = metadata.get(field)
    if value is None:
        return None
    problem = web_uri_problem(value)
    if problem:
        raise _bad(field, problem)
    return value


def _grants(metadata: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    grants = _str_list(metadata, "grant_types", ["authorization_code"])
    for grant in grants:
        if grant not in GRANT_TYPES:
            # RFC 9700 §2.1.2 / §2.4: no implicit and no password grant.
            raise _bad("grant_types", f"may only contain {', '.join(GRANT_TYPES)}")
    default_rt = ["code"] if "authorization_code" in grants else []
    response_types = _str_list(metadata, "response_types", default_rt)
    if any(rt != "code" for rt in response_types):
        raise _bad("response_types", "may only contain code (no implicit or hybrid flows)")
    # RFC 7591 §2.1: response type code goes with the authorization_code grant.
    if bool(response_types) != ("authorization_code" in grants):
        raise _bad("response_types", "code requires the authorization_code grant and back")
    return grants, response_types


def _redirect_uris(metadata: Mapping[str, Any], app_type: str, needed: bool) -> list[str]:
    value = metadata.get("redirect_uris")
    if value is None or value == []:
        if needed:
            raise InvalidRedirectUri("redirect_uris is required for the authorization_code grant")
        return []
    if not isinstance(value, list):
        raise InvalidRedirectUri("redirect_uris must be an array of URIs")
    for uri in value:
        problem = redirect_uri_problem(uri, app_type)
        if problem:
            raise InvalidRedirectUri(f"redirect URI {str(uri)[:200]!r} {problem}")
    return list(dict.fromkeys(value))


def _logout_uris(metadata: Mapping[str, Any], redirect_uris: list[str]) -> dict[str, Any]:
    post_logout = _str_list(metadata, "post_logout_redirect_uris", [])
    for uri in post_logout:
        problem = web_uri_problem(uri)
        if problem:
            raise _bad("post_logout_redirect_uris", f"entry {uri[:200]!r} {problem}")
    front = _optional_uri(metadata, "frontchannel_logout_uri")
    # OIDC Front-Channel Logout §2: same scheme, host and port as a registered redirect URI.
    if front and origin(front) not in {origin(u) for u in redirect_uris if "://" in u}:
        raise _bad("frontchannel_logout_uri", "must share scheme, host and port with a redirect")
    return {
        "post_logout_redirect_uris": post_logout,
        "backchannel_logout_uri": _optional_uri(metadata, "backchannel_logout_uri"),
        "backchannel_logout_session_required": _bool(
            metadata, "backchannel_logout_session_required", True
        ),
        "frontchannel_logout_uri": front,
        "frontchannel_logout_session_required": _bool(
            metadata, "frontchannel_logout_session_required", True
        ),
    }


def _keys(metadata: Mapping[str, Any], method: str) -> dict[str, Any]:
    jwks, jwks_uri = metadata.get("jwks"), _optional_uri(metadata, "jwks_uri")
    if jwks is not None and jwks_uri is not None:
        # RFC 7591 §2: "The jwks_uri and jwks parameters MUST NOT both be present".
        raise _bad("jwks", "and jwks_uri must not both be present")
    if jwks is not None:
        policy.check_public_jwks(jwks)
    if method == "private_key_jwt" and jwks is None and jwks_uri is None:
        raise _bad("token_endpoint_auth_method", "private_key_jwt needs jwks or jwks_uri")
    return {"jwks": jwks, "jwks_uri": jwks_uri}


def _sector(
    metadata: Mapping[str, Any], redirect_uris: list[str], subject_type: str, fetch: Fetch
) -> dict[str, Any]:
    uri = _optional_uri(metadata, "sector_identifier_uri")
    if uri is not None:
        listed = set(fetch(uri))
        missing = [u for u in redirect_uris if u not in listed]
        if missing:
            raise _bad("sector_identifier_uri", f"does not list redirect URI {missing[0][:200]!r}")
        return {"sector_identifier_uri": uri, "sector_identifier": host(uri)}
    hosts = {host(u) for u in redirect_uris if host(u)}
    # OIDC Core §8.1: pairwise clients with redirect URIs on several hosts need a sector URI.
    if subject_type == "pairwise" and len(hosts) > 1:
        raise _bad("sector_identifier_uri", "is required for pairwise clients on several hosts")
    return {"sector_identifier_uri": None, "sector_identifier": hosts.pop() if hosts else None}


def _alg(metadata: Mapping[str, Any], field: str, default: str | None) -> str | None:
    value = metadata.get(field, default)
    if value is None and default is None:
        return None
    if value not in SIGNING_ALGS:
        # CONFORMANCE: `none` is never an accepted signing algorithm.
        raise _bad(field, f"must be one of {', '.join(SIGNING_ALGS)}")
    return value


def _extra(metadata: Mapping[str, Any]) -> dict[str, Any]:
    extra: dict[str, Any] = {f: _optional_uri(metadata, f) for f in INFO_URIS}
    extra["contacts"] = _str_list(metadata, "contacts", []) or None
    max_age = metadata.get("default_max_age")
    if max_age is not None and (type(max_age) is not int or max_age < 0):
        raise _bad("default_max_age", "must be a non-negative integer")
    extra["default_max_age"] = max_age
    extra["require_auth_time"] = _bool(metadata, "require_auth_time", False) or None
    for field in ("software_id", "software_version"):
        value = metadata.get(field)
        if value is not None and (not isinstance(value, str) or len(value) > 200):
            raise _bad(field, "must be a string of at most 200 characters")
        extra[field] = value
    return {k: v for k, v in extra.items() if v is not None}


def validate_metadata(
    metadata: Mapping[str, Any],
    *,
    trusted: bool,
    scope_ceiling: set[str] | None = None,
    fetch: Fetch = fetch_sector_uris,
) -> dict[str, Any]:
    """OidcClient field values for metadata. trusted: from an administrator (CLI, console)."""
    if not isinstance(metadata, Mapping):
        raise InvalidClientMetadata("the request body must be a JSON object")
    app_type = _choice(metadata, "application_type", ("web", "native"), "web")
    method = _choice(metadata, "token_endpoint_auth_method", AUTH_METHODS, "client_secret_basic")
    grants, response_types = _grants(metadata)
    if method == "none" and "client_credentials" in grants:
        raise _bad("grant_types", "client_credentials needs an authenticated (confidential) client")
    redirect_uris = _redirect_uris(metadata, app_type, "authorization_code" in grants)
    subject_type = _choice(metadata, "subject_type", ("public", "pairwise"), "public")
    values: dict[str, Any] = {
        "name": policy.client_name(metadata, required=trusted),
        "application_type": app_type,
        "token_endpoint_auth_method": method,
        "grant_types": grants,
        "response_types": response_types,
        "redirect_uris": redirect_uris,
        "subject_type": subject_type,
        "id_token_signed_response_alg": _alg(metadata, "id_token_signed_response_alg", "RS256"),
        # OIDC Registration §2: absent means userinfo is answered as plain JSON.
        "userinfo_signed_response_alg": _alg(metadata, "userinfo_signed_response_alg", None),
        **_logout_uris(metadata, redirect_uris),
        **_keys(metadata, method),
        **_sector(metadata, redirect_uris, subject_type, fetch),
        "extra": _extra(metadata),
    }
    values.update(policy.policy_fields(metadata) if trusted else {})
    policy.settle_scopes(values, metadata, trusted=trusted, ceiling=scope_ceiling)
    return values
