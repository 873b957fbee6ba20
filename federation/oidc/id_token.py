"""Checking an upstream's ID token (OpenID Connect Core 1.0 §3.1.3.7) and back-channel logout
token (OpenID Back-Channel Logout 1.0 §2.6) with joserfc: the signature against the upstream's
JWKS, then the claims. Every refusal is a ``SourceRefused`` whose detail names the rule."""

from __future__ import annotations

import hmac
import time
from collections.abc import Mapping
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from federation.contract import SourceRefused

# Signature algorithms accepted from upstreams: never "none" nor HMAC with the client secret.
ALGORITHMS = ["RS256", "PS256", "ES256", "ES384", "EdDSA"]
LEEWAY = 60  # seconds of clock difference tolerated on exp / iat
MAX_AGE = 10 * 60  # an ID token issued longer ago than this is stale
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"


def kid_of(token: str) -> str | None:
    try:
        header = jws.extract_compact(token.encode()).protected
    except Exception:  # noqa: BLE001 - any malformed header is simply "no kid"
        return None
    kid = header.get("kid") if isinstance(header, Mapping) else None
    return kid if isinstance(kid, str) else None


def signed_claims(token: str, keys: KeySet) -> dict[str, Any]:
    try:
        decoded = jwt.decode(token, keys, algorithms=ALGORITHMS)
    except (JoseError, ValueError) as exc:
        raise SourceRefused("身份提供方的凭证无效。", f"signature: {exc}") from exc
    return dict(decoded.claims)


def check_id_token(claims: Mapping[str, Any], *, issuer: str, client_id: str, nonce: str,
                   now: int | None = None) -> None:
    now = now or int(time.time())
    _common(claims, issuer=issuer, client_id=client_id, now=now)
    if not isinstance(claims.get("exp"), int | float) or claims["exp"] + LEEWAY < now:
        raise SourceRefused("登录已超时，请重新登录。", "id_token expired")
    if claims["iat"] + MAX_AGE < now:
        raise SourceRefused("登录已超时，请重新登录。", "id_token too old")
    sent = claims.get("nonce")
    # Core §3.1.3.7 step 11: the nonce we sent must come back, unchanged.
    if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), nonce.encode()):
        raise SourceRefused("身份提供方的凭证无效。", "nonce missing or different")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise SourceRefused("身份提供方的凭证无效。", "sub missing")


def check_logout_token(claims: Mapping[str, Any], *, issuer: str, client_id: str,
                       now: int | None = None) -> None:
    now = now or int(time.time())
    _common(claims, issuer=issuer, client_id=client_id, now=now)
    if claims["iat"] + MAX_AGE < now:
        raise SourceRefused("logout token too old", "iat too old")
    events = claims.get("events")
    if not isinstance(events, Mapping) or not isinstance(events.get(BACKCHANNEL_EVENT), Mapping):
        raise SourceRefused("not a logout token", "events claim missing")
    if "nonce" in claims:  # §2.6 step 7: a nonce means someone passed an ID token off as one
        raise SourceRefused("not a logout token", "nonce present")
    if not claims.get("sid") and not claims.get("sub"):
        raise SourceRefused("not a logout token", "neither sid nor sub")
    if not isinstance(claims.get("jti"), str) or not claims["jti"]:
        raise SourceRefused("not a logout token", "jti missing")


def _common(claims: Mapping[str, Any], *, issuer: str, client_id: str, now: int) -> None:
    if claims.get("iss") != issuer:
        raise SourceRefused("身份提供方的凭证无效。", f"iss {claims.get('iss')!r}")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if client_id not in audiences:
        raise SourceRefused("身份提供方的凭证无效。", "aud does not name us")
    # Core §3.1.3.7 steps 4-5: with several audiences, azp must be present and be us.
    if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != client_id:
        raise SourceRefused("身份提供方的凭证无效。", "azp is not us")
    iat = claims.get("iat")
    if not isinstance(iat, int | float) or iat > now + LEEWAY:
        raise SourceRefused("身份提供方的凭证无效。", "iat missing or in the future")
