"""RFC 7009 token revocation on Authlib's endpoint: a refresh token revokes its whole family,
an access token is listed by ``jti`` until it expires. Audited TOKEN_REVOKE."""

from __future__ import annotations

from authlib.oauth2.rfc7009 import RevocationEndpoint

from idp.audit import EventType, record
from idp.oidc import access_tokens, refresh_tokens
from idp.oidc.blueprint import bp
from idp.oidc.grants import TOKEN_AUTH_METHODS
from idp.oidc.server import actor, oidc_server
from idp.oidc.token_lookup import AccessTokenRecord, find
from idp.web import csrf


class Revocation(RevocationEndpoint):
    # RFC 7009 §2.1: public clients may revoke their own tokens too.
    CLIENT_AUTH_METHODS = TOKEN_AUTH_METHODS

    def query_token(self, token_string: str, token_type_hint: str | None):
        return find(self.server.services, token_string, token_type_hint)

    def revoke_token(self, token, request) -> None:
        services = self.server.services
        if isinstance(token, AccessTokenRecord):
            access_tokens.revoke_jti(services, token.claims["jti"], token.claims["exp"])
            with services.db.begin() as session:
                record(session, EventType.TOKEN_REVOKE, actor=actor(),
                       client_id=token.claims["client_id"], kind="access_token",
                       jti=token.claims["jti"], reason="client")
        elif token.revoked_at is None:
            refresh_tokens.revoke_family(services, token.family_id, token.client_id,
                                         reason="client", actor=actor())


@bp.post("/revoke")
@csrf.exempt
def revoke():
    return oidc_server().create_endpoint_response(Revocation.ENDPOINT_NAME)
