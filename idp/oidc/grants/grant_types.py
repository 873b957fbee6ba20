"""The grant types the token endpoint runs: Authlib's classes with only our storage methods.

Authlib implements the protocol (RFC 6749 §4.1, §6 and §4.4); these subclasses say where codes
(``authorization_codes``) and refresh tokens (``refresh_tokens``) live and who the user is.
``server.py`` wires them with their extensions: PKCE (``pkce``) and the ID token
(``openid_code``).
"""

from __future__ import annotations

import secrets

from authlib.oauth2.rfc6749 import grants

from idp.oidc.end_user import EndUser
from idp.oidc.grants import refresh_tokens
from idp.oidc.grants.authorization_codes import (
    AuthorizationCode,
    code_key,
    save_code,
    take_code,
    take_used_marker,
)
from idp.oidc.grants.client_auth import CONFIDENTIAL_AUTH_METHODS, TOKEN_AUTH_METHODS
from idp.oidc.tokens import access_tokens


def _services(grant):
    return grant.server.services


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = TOKEN_AUTH_METHODS

    def generate_authorization_code(self) -> str:
        # 288 random bits, as Authlib's 48 characters give, but in one call: Authlib draws each
        # character from SystemRandom apart (~100 µs, a tenth of a roaming /authorize).
        return secrets.token_urlsafe(36)

    def save_authorization_code(self, code: str, request) -> None:
        user: EndUser = request.user
        data = request.payload.data
        save_code(_services(self).store, AuthorizationCode(
            key=code_key(code), client_id=request.client.client_id,
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
        found = take_code(store, code)
        if found is None:
            # RFC 6749 §4.1.2: a code used twice revokes what its first use issued.
            marker = take_used_marker(store, code)
            if marker is not None:
                access_tokens.revoke_code_issue(_services(self), marker, client.client_id)
            return None
        return found if found.client_id == client.client_id else None

    def delete_authorization_code(self, authorization_code) -> None:
        """Nothing to do: ``take`` removed the code when it was redeemed."""

    def authenticate_user(self, authorization_code: AuthorizationCode) -> EndUser:
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

