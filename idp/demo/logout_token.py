"""What a relying party checks on a back-channel logout token (OIDC Back-Channel Logout §2.6).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

EVENT = "http://schemas.openid.net/event/backchannel-logout"
ALGORITHMS = ["RS256", "ES256", "PS256"]


class LogoutTokenError(ValueError):
    pass


def verify_logout_token(
    raw: str, *, issuer: str, client_id: str, fetch_jwks: Callable[[bool], dict]
) -> dict[str, Any]:
    """The token's claims when it is a valid logout token for this client, else an error."""
    try:
        try:
            token = jwt.decode(raw, KeySet.import_key_set(fetch_jwks(False)), ALGORITHMS)
        except JoseError:  # perhaps a key rotated since we cached the JWKS
            token = jwt.decode(raw, KeySet.import_key_set(fetch_jwks(True)), ALGORITHMS)
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": client_id},
            iat={"essential": True},
        ).validate(token.claims)
    except (JoseError, ValueError) as exc:
        raise LogoutTokenError(f"invalid logout token: {exc}") from exc
    claims = token.claims
    # §2.4: events names the back-channel logout event; sid or sub; never a nonce.
    if not isinstance(claims.get("events"), dict) or EVENT not in claims["events"]:
        raise LogoutTokenError("logout token without the back-channel logout event")
    if "nonce" in claims or not (claims.get("sid") or claims.get("sub")):
        raise LogoutTokenError("logout token with a nonce or without sid/sub")
    return claims
