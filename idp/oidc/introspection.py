"""RFC 7662 token introspection on Authlib's endpoint: client-authenticated; revoked, expired
or unknown tokens are ``{"active": false}``; a client may introspect only tokens issued to it
or meant for it (``aud``)."""

from __future__ import annotations

from authlib.oauth2.rfc7662 import IntrospectionEndpoint

from idp.oidc.blueprint import bp
from idp.oidc.end_user import subject
from idp.oidc.grants import CONFIDENTIAL_AUTH_METHODS
from idp.oidc.models import aware
from idp.oidc.server import oidc_server
from idp.oidc.token_lookup import AccessTokenRecord, find
from idp.web import csrf


class Introspection(IntrospectionEndpoint):
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


@bp.post("/introspect")
@csrf.exempt
def introspect():
    return oidc_server().create_endpoint_response(Introspection.ENDPOINT_NAME)
