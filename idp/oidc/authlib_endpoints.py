"""Authlib's endpoint classes with our storage and policy, registered by ``server.py``:
token introspection (RFC 7662), token revocation (RFC 7009) and RP-initiated logout.

No Flask here: the views (``idp.oidc.endpoints``) call ``oidc_server().create_endpoint_response``
or ``validate_endpoint_request`` with each class's ``ENDPOINT_NAME``.
"""

from __future__ import annotations

from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from authlib.oidc.rpinitiated import EndSessionEndpoint

from idp.audit import EventType, record
from idp.oidc.audit_actor import actor
from idp.oidc.end_user import subject
from idp.oidc.errors import InvalidRequestError
from idp.oidc.grants import refresh_tokens
from idp.oidc.grants.client_auth import CONFIDENTIAL_AUTH_METHODS, TOKEN_AUTH_METHODS
from idp.oidc.grants.refresh_token_model import aware
from idp.oidc.tokens import access_tokens
from idp.oidc.tokens.jwt import ID_TOKEN_ALGS
from idp.oidc.tokens.lookup import AccessTokenRecord, find


class Introspection(IntrospectionEndpoint):
    """RFC 7662: client-authenticated; revoked, expired or unknown tokens are
    ``{"active": false}``; a client may introspect only tokens issued to it or meant for it
    (``aud``)."""

    CLIENT_AUTH_METHODS = CONFIDENTIAL_AUTH_METHODS

    def query_token(self, token_string: str, token_type_hint: str | None):
        return find(self.server.services, token_string, token_type_hint)

    def check_permission(self, token, client, request) -> bool:
        if isinstance(token, AccessTokenRecord):
            aud = token.claims.get("aud")
            audiences = aud if isinstance(aud, list) else [aud]
            return token.check_client(client) or client.client_id in audiences
        return token.check_client(client)

    def introspect_token(self, token) -> dict:
        if isinstance(token, AccessTokenRecord):
            return {**token.claims, "active": True, "token_type": "Bearer"}
        client = self.server.query_client(token.client_id)
        return {
            "active": True, "token_type": "refresh_token", "scope": token.scope,
            "client_id": token.client_id, "iss": self.server.services.settings.issuer,
            "sub": subject(self.server.services, client, token.account_id),
            "iat": int(aware(token.created_at).timestamp()),
            "exp": int(min(aware(token.expires_at), aware(token.family_expires_at)).timestamp()),
        }


class Revocation(RevocationEndpoint):
    """RFC 7009: a refresh token revokes its whole family, an access token is listed by
    ``jti`` until it expires. Audited TOKEN_REVOKE."""

    # RFC 7009 §2.1: public clients may revoke their own tokens too.
    CLIENT_AUTH_METHODS = TOKEN_AUTH_METHODS

    def query_token(self, token_string: str, token_type_hint: str | None):
        return find(self.server.services, token_string, token_type_hint)

    def revoke_token(self, token, request) -> None:
        services = self.server.services
        if isinstance(token, AccessTokenRecord):
            access_tokens.revoke_jti(services, token.claims["jti"], token.claims["exp"])
            with services.db.begin() as session:
                record(session, EventType.TOKEN_REVOKE, actor=actor(request.environ),
                       client_id=token.claims["client_id"], kind="access_token",
                       jti=token.claims["jti"], reason="client")
        elif token.revoked_at is None:
            refresh_tokens.revoke_family(services, token.family_id, token.client_id,
                                         reason="client", actor=actor(request.environ))


class EndSession(EndSessionEndpoint):
    """OIDC RP-Initiated Logout 1.0: Authlib validates the request (hint, client, registered
    ``post_logout_redirect_uri``); the view ends the session (``idp.oidc.logout``)."""

    def get_server_jwks(self) -> dict:
        return self.server.services.signing_keys.jwks()

    def get_algorithms(self) -> list[str]:
        return ID_TOKEN_ALGS

    def _is_valid_post_logout_redirect_uri(self, client, post_logout_redirect_uri) -> bool:
        # Our clients keep their URIs in a column, not Authlib's client_metadata.
        return client.check_post_logout_redirect_uri(post_logout_redirect_uri)

    def end_session(self, end_session_request) -> None:
        """The view ends the session itself (it needs the cookie and renders the page)."""

    def _validate_id_token_hint(self, id_token_hint: str) -> dict:
        # Authlib quotes the token's kid in its error description, then refuses (ValueError) to
        # build an error holding characters outside RFC 6749 §5.2's set: still a bad hint.
        try:
            return super()._validate_id_token_hint(id_token_hint)
        except ValueError as exc:
            raise InvalidRequestError("id_token_hint is not a valid ID token.") from exc
