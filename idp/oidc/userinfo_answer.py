"""The UserInfo answer (OIDC Core §5.3) without Flask: status, headers and body for a bearer
token from the Authorization header (RFC 6750 §2.1) or a form field (§2.2). Errors per RFC 6750
§3. The Flask view (``endpoints/userinfo.py``) and ``machine_endpoints`` both call ``answer``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson

from idp.oidc.claims import released
from idp.oidc.tokens import access_tokens
from idp.oidc.tokens.userinfo_jwt import signed_userinfo

if TYPE_CHECKING:
    from idp.oidc.server import OidcServer

Answer = tuple[int, list[tuple[str, str]], bytes]


def answer(server: OidcServer, authorization: str, form_token: str | None) -> Answer:
    """Status, headers and body for a bearer token in ``authorization`` or the form."""
    svc = server.services
    token = bearer_token(authorization, form_token)
    if token is None:
        return _error(401, None, "")
    claims = access_tokens.verify(svc, token)
    user = access_tokens.end_user(svc, claims) if claims else None
    client = server.query_client(claims["client_id"]) if claims else None
    if claims is None or user is None or client is None:
        return _error(401, "invalid_token", "The access token is invalid or expired.")
    if "openid" not in claims["scope"].split():
        return _error(403, "insufficient_scope", "The token was not granted the openid scope.")
    body = released(svc, client, user, claims["scope"], user.claims.get("userinfo"))
    signed = signed_userinfo(svc, client, body)
    # OIDC Core §5.3.2: a signed response is the JWT itself, as application/jwt.
    if signed is None:
        return 200, [("Content-Type", "application/json"), ("Cache-Control", "no-store")], \
            orjson.dumps(body)
    return 200, [("Content-Type", "application/jwt"), ("Cache-Control", "no-store")], \
        signed.encode()


def bearer_token(authorization: str, form_token: str | None) -> str | None:
    if authorization[:7].lower() == "bearer ":
        return authorization[7:].strip() or None
    return form_token or None


def _error(status: int, error: str | None, description: str) -> Answer:
    challenge = 'Bearer realm="userinfo"'
    if error:
        challenge += f', error="{error}", error_description="{description}"'
    body = {"error": error, "error_description": description} if error else {}
    return status, [("Content-Type", "application/json"), ("WWW-Authenticate", challenge)], \
        orjson.dumps(body)
