"""Where PKCE is checked: RFC 7636 with S256 only.

RFC 9700 §2.1.1: ``plain`` and a missing method are refused, and public clients must send a
challenge (OAuth 2.1 §4.1.1). Authlib's ``CodeChallenge`` does the rest (the verifier at the
token endpoint); ``server.py`` registers it as required on the authorization code grant.
"""

from __future__ import annotations

from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc7636 import CodeChallenge


class S256CodeChallenge(CodeChallenge):
    """RFC 7636 with S256 only (RFC 9700 §2.1.1): ``plain`` and a missing method are refused,
    and public clients must send a challenge (OAuth 2.1 §4.1.1)."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant, redirect_uri) -> None:
        data = grant.request.payload.data
        if data.get("code_challenge") and data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("code_challenge_method must be S256.")
        if grant.request.client.is_public and not data.get("code_challenge"):
            raise InvalidRequestError("Public clients must use PKCE (S256).")
        super().validate_code_challenge(grant, redirect_uri)
