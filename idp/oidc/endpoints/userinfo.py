"""The UserInfo endpoint (OIDC Core §5.3): GET or POST, bearer token in the Authorization
header (RFC 6750 §2.1) or, on POST, in the form body (§2.2). Errors per RFC 6750 §3."""

from __future__ import annotations

from flask import Response, jsonify, request

from idp.oidc.claims import released
from idp.oidc.server import oidc_server
from idp.oidc.tokens import access_tokens
from idp.oidc.tokens.userinfo_jwt import signed_userinfo
from idp.services import services
from idp.web import csrf


@csrf.exempt  # authenticated by the bearer token
def userinfo():
    svc = services()
    token = _bearer_token()
    if token is None:
        return _error(401, None, "")
    claims = access_tokens.verify(svc, token)
    user = access_tokens.end_user(svc, claims) if claims else None
    client = oidc_server().query_client(claims["client_id"]) if claims else None
    if claims is None or user is None or client is None:
        return _error(401, "invalid_token", "The access token is invalid or expired.")
    if "openid" not in claims["scope"].split():
        return _error(403, "insufficient_scope", "The token was not granted the openid scope.")
    body = released(svc, client, user, claims["scope"], user.claims.get("userinfo"))
    signed = signed_userinfo(svc, client, body)
    # OIDC Core §5.3.2: a signed response is the JWT itself, as application/jwt.
    response = jsonify(body) if signed is None else Response(signed, mimetype="application/jwt")
    response.headers["Cache-Control"] = "no-store"
    return response


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
        return request.form.get("access_token") or None
    return None


def _error(status: int, error: str | None, description: str):
    challenge = 'Bearer realm="userinfo"'
    if error:
        challenge += f', error="{error}", error_description="{description}"'
    response = jsonify({"error": error, "error_description": description} if error else {})
    response.status_code = status
    response.headers["WWW-Authenticate"] = challenge
    return response
