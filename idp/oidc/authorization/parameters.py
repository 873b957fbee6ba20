"""The authorization request's own parameters, read and checked (OIDC Core §3.1.2.1): what
Authlib does not validate for us. Each refusal is the protocol error the client is sent."""

from __future__ import annotations

import json
from typing import Any

from idp.oidc.authorization.pending_requests import Params
from idp.oidc.errors import (
    AccountSelectionRequiredError,
    InvalidRequestError,
    RequestNotSupportedError,
    RequestURINotSupportedError,
)
from idp.oidc.tokens.jwt import ID_TOKEN_ALGS
from idp.params import InvalidInteger, parse_int
from idp.services import Services
from keys.signing import TokenVerificationError

RESPONSE_MODES = ("query", "fragment", "form_post")
ACR_LEVELS = ("1", "2", "3")
# OpenID Connect EAP ACR Values 1.0 §2 "phr": a phishing-resistant login (here, a passkey in
# the session), as SAML's login.gov class. It says how the person logged in, not who they are.
PHISHING_RESISTANT_ACR = "phr"
ACR_VALUES = (*ACR_LEVELS, PHISHING_RESISTANT_ACR)
# OIDC Core §3.1.2.1 sets no upper bound on max_age: beyond a century any value means the same
# (up to 18 digits; a 5,000-digit one is refused before int() spends time on it).
MAX_AGE_LIMIT = 100 * 366 * 86400


def refuse_unsupported(data: dict[str, str]) -> None:
    """Response modes we do not offer, and request objects (OIDC Core §6: refused, never
    silently ignored; CONFORMANCE, request object modules)."""
    if data.get("response_mode", "query") not in RESPONSE_MODES:
        raise InvalidRequestError("Unsupported response_mode.")
    if "request" in data:
        raise RequestNotSupportedError()
    if "request_uri" in data:
        raise RequestURINotSupportedError()


def prompts(raw: str | None) -> set[str]:
    """The ``prompt`` values, with the combinations OIDC Core §3.1.2.1 rules out refused."""
    values = set((raw or "").split())
    if {"none", "select_account"} <= values:
        # OIDC Core §3.1.2.6: the person would have to pick an account, which needs a page.
        raise AccountSelectionRequiredError()
    if "none" in values and len(values) > 1:
        raise InvalidRequestError("prompt=none cannot be combined with other values.")
    return values


def max_age(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        return min(parse_int(raw, minimum=0, maximum=10**18 - 1), MAX_AGE_LIMIT)
    except InvalidInteger as exc:
        raise InvalidRequestError(f"max_age {exc}.") from exc


def requested_acr(raw: str | None) -> list[str]:
    """The ``acr_values`` we know (levels 1-3, "phr"); others are ignored (OIDC Core
    §3.1.2.1)."""
    return [v for v in (raw or "").split() if v in ACR_VALUES]


def requested_levels(requested: list[str]) -> list[int]:
    return [int(v) for v in requested if v in ACR_LEVELS]


def phishing_resistant_asked(requested: list[str]) -> bool:
    """Only "phr" was asked for (any listed value would satisfy a list): a passkey must be
    used."""
    return bool(requested) and all(v == PHISHING_RESISTANT_ACR for v in requested)


def acr(level: int, requested: list[str]) -> str:
    """The session's level, or the highest requested level it satisfies (OIDC Core §2 acr).
    "phr" met is not an acr: the level stays, and ``amr`` shows the passkey (hwk or swk)."""
    met = [v for v in requested if v in ACR_LEVELS and int(v) <= level]
    return max(met) if met else str(level)


def claims_request(raw: str | None) -> dict[str, Any]:
    """The ``claims`` parameter (OIDC Core §5.5): its ``userinfo`` and ``id_token`` members."""
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than json can follow
        value = None
    if not isinstance(value, dict):
        raise InvalidRequestError("claims must be a JSON object.")
    return {k: v for k, v in value.items() if k in ("userinfo", "id_token") and
            isinstance(v, dict)}


def id_token_hint_claims(services: Services, hint: str | None) -> dict[str, Any] | None:
    """OIDC Core §3.1.2.1 id_token_hint: one of our ID tokens (expired ones too), or None
    without a hint; a hint that does not verify is an invalid request."""
    if not hint:
        return None
    try:
        claims = services.signing_keys.verify_jwt(hint, ID_TOKEN_ALGS, check_time=False)
    except TokenVerificationError as exc:
        raise InvalidRequestError("id_token_hint is not a valid ID token from this issuer.") \
            from exc
    if claims.get("iss") != services.settings.issuer:
        raise InvalidRequestError("id_token_hint was not issued here.")
    return claims


def response_mode(params: Params) -> str:
    mode = first(params, "response_mode")
    return mode if mode in RESPONSE_MODES else "query"


def first(params: Params, name: str) -> str | None:
    values = params.get(name) or []
    return values[0] if values else None
