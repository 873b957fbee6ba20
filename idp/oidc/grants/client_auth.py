"""How clients authenticate: the methods each endpoint accepts, and ``private_key_jwt``
(RFC 7523 §2.2, OIDC Core §9) on Authlib.

The assertion is signed with one of the client's registered public keys (inline ``jwks`` or
fetched from its ``jwks_uri``) by an asymmetric algorithm: never ``none``, never HS* (with a
public key as the HMAC secret anyone could forge it). ``iss`` = ``sub`` = client_id, ``aud``
our issuer or the endpoint it is sent to, ``exp`` required, and each ``jti`` accepted once,
remembered in the Store until the assertion expires (RFC 7523 §3 items 1-7).
"""

from __future__ import annotations

import logging
import time

from authlib.oauth2.rfc6749 import InvalidClientError
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7523.client import ASSERTION_TYPE
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from idp.oidc.grants.client_jwks import ClientJwksCache, JwksFetchError
from idp.services import Services

log = logging.getLogger(__name__)

# RFC 6749 §2.3 + RFC 7523 §2.2; "none" lets public clients redeem codes with PKCE only.
TOKEN_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]
CONFIDENTIAL_AUTH_METHODS = TOKEN_AUTH_METHODS[:3]

_ENDPOINTS = ("/token", "/introspect", "/revoke", "/par", "/device_authorization")
_MAX_JTI_TTL = 3600
ASSERTION_ALGS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
                  "ES512", "EdDSA")


class PrivateKeyJwt(JWTBearerClientAssertion):
    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __init__(self, services: Services) -> None:
        super().__init__(validate_jti=True)
        self.services = services
        self.jwks_cache = ClientJwksCache(services.settings.oidc_jwks_fetch_timeout)

    def __call__(self, query_client, request):
        """Authlib's flow, plus: the algorithm allow-list, the client's auth method checked
        before any key is fetched, and the header's ``kid`` passed to the key lookup."""
        form = request.form
        assertion = form.get("client_assertion")
        if form.get("client_assertion_type") != ASSERTION_TYPE or not assertion:
            return None
        headers, claims = self.extract_assertion(assertion)
        alg = headers.get("alg")
        if alg not in ASSERTION_ALGS:
            raise InvalidClientError(description="The assertion must be signed with an "
                                                 "asymmetric algorithm.")
        client_id = claims.get("sub")
        if not isinstance(client_id, str):
            raise InvalidClientError(description="Missing or invalid claim: 'sub'")
        client = query_client(client_id)
        if not client:
            raise InvalidClientError(description="The client does not exist on this server.")
        self.authenticate_client(client)  # a secret-based client never triggers a fetch
        kid = headers.get("kid") if isinstance(headers.get("kid"), str) else None
        keys = self.client_keys(client, kid)
        request.client = client
        try:
            token = jwt.decode(assertion, keys, algorithms=[alg])
        except JoseError as exc:
            raise InvalidClientError(description="The assertion's signature does not "
                                                 "verify.") from exc
        self.verify_claims(token.claims)
        return client

    def get_audiences(self) -> list[str]:
        issuer = self.services.settings.issuer
        return [issuer, *(issuer + path for path in _ENDPOINTS)]

    def validate_jti(self, claims, jti: str) -> bool:
        ttl = min(_MAX_JTI_TTL, max(1, int(claims.get("exp", 0) - time.time()) + self.leeway))
        return self.services.store.add(f"oidc-jti:{claims['sub']}:{jti}", "1", ttl)

    def client_keys(self, client, kid: str | None) -> KeySet:
        if client.jwks:
            return KeySet.import_key_set(client.jwks)
        if not client.jwks_uri:
            raise InvalidClientError(description="The client has no registered keys.")
        try:
            return self.jwks_cache.keys_for(client.client_id, client.jwks_uri, kid)
        except JwksFetchError as exc:
            log.warning("jwks_uri of client %s: %s", client.client_id, exc)
            raise InvalidClientError(description="The client's jwks_uri could not be "
                                                 "used.") from exc
