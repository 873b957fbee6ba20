"""Our RFC 9068 access tokens after issue: verification, the grant behind each one, revocation.

Each user token's grant context (account, acting-for, acr, requested claims) is kept in the
Store under its ``jti`` until it expires: userinfo needs the account even when ``sub`` is
pairwise, and nothing personal has to travel inside the JWT. Revoked ``jti`` are listed in
the Store until the token would have expired anyway (RFC 7009 §2, RFC 7662 §2.2).
"""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

from idp.oidc.end_user import EndUser
from idp.oidc.grants import refresh_tokens
from idp.oidc.tokens import revoked, verified
from idp.services import Services
from idp.store import get_json, put_json
from keys.signing import TokenVerificationError

# RFC 9068 §2.2 claims every token of ours carries (ID tokens lack jti, scope, client_id).
_REQUIRED = ("iss", "sub", "client_id", "scope", "jti", "exp", "iat")


def verify(services: Services, value: str | None) -> dict[str, Any] | None:
    """The claims of a live, unrevoked access token of ours, or None."""
    if not value or value.count(".") != 2 or len(value) > 8192:
        return None
    claims = verified.claims_of(services.signing_keys, value)
    if claims is None:
        try:
            claims = services.signing_keys.verify_jwt(
                value, [services.settings.oidc_access_token_alg])
        except TokenVerificationError:
            return None
        if any(name not in claims for name in _REQUIRED) or \
                claims["iss"] != services.settings.issuer:
            return None
        verified.remember(services.signing_keys, value, claims)
    if is_revoked(services, claims["jti"]):  # never cached: a revocation counts at once
        return None
    return claims


def remember(services: Services, client: Any, jti: str, exp: int, user: EndUser) -> None:
    """Keep the grant context when the token alone cannot tell it: a pairwise ``sub``, acting
    for a legal person, or claims asked for by name. Otherwise the token's own claims do."""
    if client.subject_type != "pairwise" and not user.acting_for and not user.claims:
        return
    ttl = int(exp - time.time())
    if ttl > 0:
        put_json(services.store, f"oidc-at:{jti}", asdict(user), ttl)


def end_user(services: Services, claims: dict[str, Any]) -> EndUser | None:
    """The user behind a verified access token; None for client-credentials tokens."""
    data = get_json(services.store, f"oidc-at:{claims['jti']}")
    if data:
        return EndUser(**data)
    if "auth_time" not in claims or claims["sub"] == claims["client_id"]:
        return None
    return EndUser(account_id=claims["sub"], sid=claims.get("sid"),
                   auth_time=claims["auth_time"], acr=claims.get("acr", "1"))


def revoke_jti(services: Services, jti: str, exp: int) -> None:
    revoked.revoke_jti(services.store, jti, exp)


def is_revoked(services: Services, jti: str | None) -> bool:
    return revoked.is_revoked(services.store, jti)


def revoke_code_issue(services: Services, marker: dict[str, Any], client_id: str) -> None:
    """RFC 6749 §4.1.2 / RFC 9700 §4.2.1: a reused code revokes what its first use issued."""
    revoked.revoke_all(services.store, marker.get("jtis", []))
    for family in marker.get("families", []):
        refresh_tokens.revoke_family(services, family, client_id, reason="code_reuse")
