"""The ID token in token responses (OIDC Core §3.1.3.3, §12.2), on Authlib's ``OpenIDCode``.

Login policy (prompt, max_age...) is ours, decided before a code exists
(``idp.oidc.authorization``), so Authlib's prompt hook is not registered.
"""

from __future__ import annotations

from authlib.oidc.core import OpenIDCode
from authlib.oidc.core.grants.util import is_openid_scope

from idp.oidc import claims
from idp.oidc.end_user import EndUser
from idp.oidc.tokens import jwt


class OpenIDCodeExtension(OpenIDCode):
    """OIDC Core §3.1: the ID token beside the code grant's access token."""

    def __call__(self, grant) -> None:
        grant.register_hook("after_create_token_response", self.process_token)

    def process_token(self, grant, response) -> dict:
        _, token, _ = response
        if not is_openid_scope(token.get("scope")):
            return token
        request, services = grant.request, grant.server.services
        user: EndUser = request.user
        code = request.authorization_code
        extra = None
        if user.claims.get("id_token"):
            # OIDC Core §5.5: claims asked for in the ID token, within the client's policy.
            extra = claims.released(services, request.client, user, token["scope"],
                                    user.claims["id_token"])
            extra.pop("sub", None)
        token["id_token"] = jwt.id_token(
            services, request.client, user, nonce=code.nonce if code else None,
            access_token_value=token.get("access_token"), extra=extra,
        )
        return token


class RefreshedIdToken(OpenIDCodeExtension):
    """OIDC Core §12.2: a refresh response carries a new ID token with the same iss and sub."""
