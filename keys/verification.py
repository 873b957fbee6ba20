"""Checking a JWT against our own published keys: algorithm allow-list, kid, signature, times."""

from __future__ import annotations

from collections.abc import Callable

from joserfc import jwt
from joserfc.errors import JoseError

from keys.algorithms import JWT_ALGORITHMS, JoseKey, JwtRegistry


class TokenVerificationError(ValueError):
    """A JWT is malformed, uses a refused algorithm, an unknown kid, a bad signature, or has
    expired. ``description`` is safe to show; the token itself is never in the message."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


def decode(token: str, algorithms: list[str], find_key: Callable[[str], JoseKey | None],
           now: float | None, leeway: int = 0) -> dict:
    """Claims of token if signed by the key find_key(kid) returns; times checked unless now
    is None.

    Only our asymmetric algorithms are ever accepted: "none" and HMAC are refused even if
    listed (RFC 8725 §3.1, §3.2); the key's own alg must match the header's.
    """
    allowed = [alg for alg in algorithms if alg in JWT_ALGORITHMS]
    if not allowed:
        raise TokenVerificationError("none of the requested algorithms is accepted")

    def resolve(obj) -> JoseKey:
        header = obj.headers()
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise TokenVerificationError("the token header has no kid")
        key = find_key(kid)
        if key is None:
            raise TokenVerificationError("the token was not signed by a key we publish")
        if key.get("alg") != header.get("alg"):
            raise TokenVerificationError("the token's alg does not match its key")
        return key

    try:
        claims = dict(jwt.decode(token, resolve, algorithms=allowed,
                                 registry=JwtRegistry(algorithms=allowed)).claims)
    except TokenVerificationError:
        raise
    except (JoseError, ValueError, TypeError) as exc:
        raise TokenVerificationError(f"invalid token: {type(exc).__name__}") from exc
    if now is not None:
        _check_times(claims, now, leeway)
    return claims


def _check_times(claims: dict, now: float, leeway: int) -> None:
    # RFC 7519 §4.1.4 (exp) and §4.1.5 (nbf).
    exp, nbf = claims.get("exp"), claims.get("nbf")
    if exp is not None and (not isinstance(exp, int | float) or exp <= now - leeway):
        raise TokenVerificationError("the token has expired")
    if nbf is not None and (not isinstance(nbf, int | float) or nbf > now + leeway):
        raise TokenVerificationError("the token is not valid yet")
