"""``private_key_jwt`` client authentication (RFC 7523 §2.2, OIDC Core §9) on Authlib.

The assertion's audience is our issuer or the endpoint it is sent to; each ``jti`` is accepted
once, remembered in the Store until the assertion expires (RFC 7523 §3 item 7).
"""

from __future__ import annotations

import time

from authlib.oauth2.rfc6749 import InvalidClientError
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from joserfc.jwk import KeySet

from idp.services import Services

_ENDPOINTS = ("/token", "/introspect", "/revoke", "/par")
_MAX_JTI_TTL = 3600


class PrivateKeyJwt(JWTBearerClientAssertion):
    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __init__(self, services: Services) -> None:
        super().__init__(validate_jti=True)
        self.services = services

    def get_audiences(self) -> list[str]:
        issuer = self.services.settings.issuer
        return [issuer, *(issuer + path for path in _ENDPOINTS)]

    def validate_jti(self, claims, jti: str) -> bool:
        ttl = min(_MAX_JTI_TTL, max(1, int(claims.get("exp", 0) - time.time()) + self.leeway))
        return self.services.store.add(f"oidc-jti:{claims['sub']}:{jti}", "1", ttl)

    def resolve_client_public_key(self, client) -> KeySet:
        # Keys registered with the client only; jwks_uri clients are not fetched at request
        # time (no outbound calls from the token endpoint).
        if not client.jwks:
            raise InvalidClientError(description="The client has no registered JWKS.")
        return KeySet.import_key_set(client.jwks)
