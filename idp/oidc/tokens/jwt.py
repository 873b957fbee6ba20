"""The JWTs the provider signs, all through ``services.signing_keys``.

- Access tokens are RFC 9068 JWTs (``typ: at+jwt``) so the 250 relying parties validate them
  locally; they are signed ES256 by default because ES256 signs ~12x faster than RS256 on this
  hardware (NOTES), which is what the token endpoint's throughput rests on. Introspection
  answers revocation (``revoked.py``).
- ID tokens use the client's registered algorithm (RS256 by default; never ``none``):
  ``ID_TOKEN_ALGS`` is what discovery offers and what an ``id_token_hint`` may be signed with.
- Logout tokens follow OIDC Back-Channel Logout §2.4 (``typ: logout+jwt``, no ``nonce``).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any

from idp.oidc.end_user import EndUser, subject
from idp.services import Services

# Never "none" (CONFORMANCE: oidcc-idtoken-unsigned).
ID_TOKEN_ALGS = ["RS256", "PS256", "ES256", "EdDSA"]
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
LOGOUT_TOKEN_TTL = 120
_HASH_BY_ALG_SIZE = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}


@dataclass(frozen=True)
class AccessToken:
    value: str
    jti: str
    expires_in: int
    exp: int


def access_token(
    services: Services, client: Any, user: EndUser | None, scope: str,
    extra: dict[str, Any] | None = None, now: int | None = None,
) -> AccessToken:
    """An RFC 9068 access token; ``sub`` is the person, or the client itself for
    client-credentials tokens (RFC 9068 §2.2: no person is involved)."""
    now = now or int(time.time())
    lifetime = int(client.access_token_lifetime)
    jti = secrets.token_urlsafe(16)
    claims: dict[str, Any] = {
        "iss": services.settings.issuer,
        "sub": subject(services, client, user.account_id) if user else client.client_id,
        "aud": client.client_id,
        "client_id": client.client_id,
        "scope": scope,
        "jti": jti,
        "iat": now,
        "exp": now + lifetime,
    }
    if user:
        claims.update(auth_time=user.auth_time, acr=user.acr)
        if user.sid:
            claims["sid"] = user.sid
    claims.update(extra or {})
    value = services.signing_keys.sign_jwt(
        claims, services.settings.oidc_access_token_alg, {"typ": "at+jwt"}
    )
    return AccessToken(value=value, jti=jti, expires_in=lifetime, exp=now + lifetime)


def id_token(
    services: Services, client: Any, user: EndUser, *, nonce: str | None = None,
    access_token_value: str | None = None, extra: dict[str, Any] | None = None,
    now: int | None = None,
) -> str:
    """An ID token (OIDC Core §2) for client, signed with its registered algorithm."""
    now = now or int(time.time())
    alg = client.id_token_signed_response_alg or "RS256"
    claims: dict[str, Any] = {
        "iss": services.settings.issuer,
        "sub": subject(services, client, user.account_id),
        "aud": client.client_id,
        "exp": now + int(client.id_token_lifetime),
        "iat": now,
        "auth_time": user.auth_time,
        "acr": user.acr,
        "amr": user.amr,
    }
    if user.sid:
        claims["sid"] = user.sid
    if nonce:
        claims["nonce"] = nonce
    if access_token_value:
        claims["at_hash"] = half_hash(access_token_value, alg)
    claims.update(extra or {})
    return services.signing_keys.sign_jwt(claims, alg)


def logout_token(services: Services, client: Any, account_id: str, sid: str | None) -> str:
    """OIDC Back-Channel Logout §2.4: iss, aud, iat, exp, jti, events, sid and sub; no nonce."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": services.settings.issuer,
        "aud": client.client_id,
        "iat": now,
        "exp": now + LOGOUT_TOKEN_TTL,
        "jti": secrets.token_urlsafe(16),
        "events": {BACKCHANNEL_EVENT: {}},
        "sub": subject(services, client, account_id),
    }
    if sid:
        claims["sid"] = sid
    alg = client.id_token_signed_response_alg or "RS256"
    return services.signing_keys.sign_jwt(claims, alg, {"typ": "logout+jwt"})


def half_hash(value: str, alg: str) -> str:
    """OIDC Core §3.1.3.6 at_hash: left half of the hash matching the algorithm's size."""
    size = "512" if alg == "EdDSA" else alg[-3:]  # Ed25519 pairs with SHA-512
    digest = _HASH_BY_ALG_SIZE.get(size, hashlib.sha256)(value.encode()).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()
