"""Signing admins in through the IdP itself: the authorization code flow with PKCE (RFC 7636)
as any relying party does it, asking for ``acr_values=3`` (OIDC Core §3.1.2.1).

Pure of Flask: the views keep the returned ``Attempt`` in the console's session and hand it
back with the callback's parameters. The token endpoint is called over HTTP at the issuer's
own URL, as discovery names it; the ID token is verified with the IdP's signing keys
(in-process: the same keys its JWKS publishes) and must carry ``acr`` 3.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from admin.first_party import redirect_uri
from idp.services import Services

TIMEOUT_SECONDS = 5
REQUIRED_ACR = "3"
ID_TOKEN_ALGS = ["RS256", "ES256", "PS256", "EdDSA"]


class SignInFailed(Exception):
    """The callback did not prove a level-3 login; ``reason`` is safe to show and log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Attempt:
    state: str
    nonce: str
    verifier: str
    client_id: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Identity:
    account_id: str  # the ID token's sub (the console client has public subjects)
    acr: str
    auth_time: int | None


def begin(issuer: str, client_id: str, authorization_endpoint: str) -> tuple[Attempt, str]:
    """A fresh attempt and the URL to send the browser to."""
    attempt = Attempt(secrets.token_urlsafe(24), secrets.token_urlsafe(24),
                      secrets.token_urlsafe(48), client_id)
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(attempt.verifier.encode()).digest()).rstrip(b"=").decode()
    query = urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri(issuer),
        "scope": "openid profile", "state": attempt.state, "nonce": attempt.nonce,
        "code_challenge": challenge, "code_challenge_method": "S256",
        "acr_values": REQUIRED_ACR, "prompt": "login",
    })
    return attempt, f"{authorization_endpoint}?{query}"


def finish(
    services: Services, attempt: Attempt, args: dict[str, str], token_endpoint: str
) -> Identity:
    """Check the callback (state, iss), redeem the code, verify the ID token."""
    # Bytes: compare_digest raises TypeError on str with non-ASCII characters (state=é).
    if not hmac.compare_digest(args.get("state", "").encode(), attempt.state.encode()):
        raise SignInFailed("state_mismatch")
    issuer = services.settings.issuer
    # RFC 9207 §2.4: when the response carries iss, it must be our issuer.
    if "iss" in args and args["iss"] != issuer:
        raise SignInFailed("issuer_mismatch")
    if "error" in args:
        raise SignInFailed(str(args.get("error"))[:64])
    code = args.get("code")
    if not code:
        raise SignInFailed("no_code")
    tokens = _redeem(token_endpoint, {
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri(issuer),
        "client_id": attempt.client_id, "code_verifier": attempt.verifier,
    })
    try:
        claims = services.signing_keys.verify_jwt(tokens.get("id_token", ""), ID_TOKEN_ALGS)
    except ValueError as exc:
        raise SignInFailed("bad_id_token") from exc
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if claims.get("iss") != issuer or attempt.client_id not in audiences:
        raise SignInFailed("bad_id_token")
    if not hmac.compare_digest(str(claims.get("nonce", "")).encode(), attempt.nonce.encode()):
        raise SignInFailed("nonce_mismatch")
    if str(claims.get("acr")) != REQUIRED_ACR:
        raise SignInFailed("second_factor_required")
    return Identity(str(claims["sub"]), str(claims["acr"]), claims.get("auth_time"))


def _redeem(endpoint: str, form: dict[str, str]) -> dict:
    request = urllib.request.Request(  # noqa: S310 - our own discovery's http(s) URL
        endpoint, data=urlencode(form).encode(), method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/json"})
    try:
        # The endpoint comes from our own discovery document (the issuer's URL).
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return json.loads(response.read(65536))
    except urllib.error.HTTPError as exc:
        raise SignInFailed("token_error") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise SignInFailed("token_endpoint_unreachable") from exc
