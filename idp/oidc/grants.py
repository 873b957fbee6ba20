"""Authlib grants with only storage methods (and the one S256-only PKCE rule).

Authlib implements the protocol (RFC 6749 §4.1 and §6, RFC 7636, OIDC Core §3.1); these
subclasses say where codes and refresh tokens live and who the user is. ``server.py`` wires them.
"""

from __future__ import annotations

from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import OpenIDCode
from authlib.oidc.core.grants.util import is_openid_scope

from idp.oidc import access_tokens, claims, codes, refresh_tokens, tokens
from idp.oidc.end_user import EndUser

# RFC 6749 §2.3 + RFC 7523 §2.2; "none" lets public clients redeem codes with PKCE only.
TOKEN_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]
CONFIDENTIAL_AUTH_METHODS = TOKEN_AUTH_METHODS[:3]


def _services(grant):
    return grant.server.services


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = TOKEN_AUTH_METHODS

    def save_authorization_code(self, code: str, request) -> None:
        user: EndUser = request.user
        data = request.payload.data
        codes.save_code(_services(self).store, codes.AuthorizationCode(
            key=codes.code_key(code), client_id=request.client.client_id,
            # The redirect_uri as sent (may be absent): the token request must repeat it.
            redirect_uri=request.payload.redirect_uri or "", scope=request.scope,
            account_id=user.account_id, sid=user.sid, auth_time=user.auth_time, acr=user.acr,
            amr=list(user.amr), nonce=data.get("nonce"), acting_for=user.acting_for,
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
            claims=user.claims,
        ))

    def query_authorization_code(self, code: str, client):
        store = _services(self).store
        found = codes.take_code(store, code)
        if found is None:
            # RFC 6749 §4.1.2: a code used twice revokes what its first use issued.
            marker = codes.take_used_marker(store, code)
            if marker is not None:
                access_tokens.revoke_code_issue(_services(self), marker, client.client_id)
            return None
        return found if found.client_id == client.client_id else None

    def delete_authorization_code(self, authorization_code) -> None:
        """Nothing to do: ``take`` removed the code when it was redeemed."""

    def authenticate_user(self, authorization_code: codes.AuthorizationCode) -> EndUser:
        return EndUser(
            account_id=authorization_code.account_id, sid=authorization_code.sid,
            auth_time=authorization_code.auth_time, acr=authorization_code.acr,
            amr=authorization_code.amr, acting_for=authorization_code.acting_for,
            claims=authorization_code.claims,
        )


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = TOKEN_AUTH_METHODS
    # RFC 9700 §4.14.2: rotate on every use.
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str):
        return refresh_tokens.usable(_services(self), refresh_token)

    def authenticate_user(self, refresh_token) -> EndUser | None:
        return refresh_tokens.end_user(_services(self), refresh_token)

    def revoke_old_credential(self, refresh_token) -> None:
        """Nothing to do: ``save_token`` rotates in the transaction that stores the new one."""


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    # Department-to-department API calls: confidential clients only.
    TOKEN_ENDPOINT_AUTH_METHODS = CONFIDENTIAL_AUTH_METHODS


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


class OpenIDCodeExtension(OpenIDCode):
    """OIDC Core §3.1: the ID token. Login policy (prompt, max_age...) is ours, in
    ``authorization.py``, so Authlib's prompt hook is not registered."""

    def __call__(self, grant) -> None:
        grant.register_hook("after_create_token_response", self.process_token)

    def process_token(self, grant, response) -> dict:
        _, token, _ = response
        if not is_openid_scope(token.get("scope")):
            return token
        request, services = grant.request, _services(grant)
        user: EndUser = request.user
        code = request.authorization_code
        extra = None
        if user.claims.get("id_token"):
            # OIDC Core §5.5: claims asked for in the ID token, within the client's policy.
            extra = claims.released(services, request.client, user, token["scope"],
                                    user.claims["id_token"])
            extra.pop("sub", None)
        token["id_token"] = tokens.id_token(
            services, request.client, user, nonce=code.nonce if code else None,
            access_token_value=token.get("access_token"), extra=extra,
        )
        return token


class RefreshedIdToken(OpenIDCodeExtension):
    """OIDC Core §12.2: a refresh response carries a new ID token with the same iss and sub."""
