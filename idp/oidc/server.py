"""The one module that wires Authlib's authorization server: grants, endpoints, client auth.

Authlib owns the protocol; what is ours is storage (``grants/``), token formats (``tokens/``)
and policy (``authorization/``). ``init_app`` builds the server once per app and keeps it in
``app.extensions["oidc"]``; views reach it with ``oidc_server()``. No view is imported here:
``routes.py`` registers them.
"""

from __future__ import annotations

import json
from base64 import urlsafe_b64decode
from collections.abc import Mapping
from typing import Any

import orjson
from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import OAuth2Request
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from flask import Flask, Response, current_app
from flask import request as flask_request

from clients.cache import ClientCache
from clients.generation import ClientGeneration
from idp.audit import EventType, record
from idp.oidc.audit_actor import actor
from idp.oidc.authlib_endpoints import EndSession, Introspection, Revocation
from idp.oidc.documents import PreparedDocuments
from idp.oidc.end_user import EndUser
from idp.oidc.flask_request import LeanFlaskOAuth2Request
from idp.oidc.grants import authorization_codes, refresh_tokens
from idp.oidc.grants.client_auth import PrivateKeyJwt
from idp.oidc.grants.device_code import DeviceAuthorization, DeviceCode
from idp.oidc.grants.grant_types import (
    AuthorizationCodeGrant,
    ClientCredentialsGrant,
    RefreshTokenGrant,
)
from idp.oidc.grants.openid_code import OpenIDCodeExtension, RefreshedIdToken
from idp.oidc.grants.pkce import S256CodeChallenge
from idp.oidc.tokens import access_tokens, jwt
from idp.services import Services
from idp.web import lean_session
from idp.web.observe import request_id

CLIENT_CACHE_SECONDS = 2.0  # how stale a client may be while the Store cannot be read
# Endpoints called by programs, authenticated by the client or a bearer token: no cookies.
MACHINE_PATHS = ("/token", "/introspect", "/revoke", "/userinfo", "/par", "/jwks",
                 "/.well-known/openid-configuration", "/device_authorization")


class ParamsRequest(OAuth2Request):
    """An authorization request rebuilt from saved parameters (after login, consent or PAR)."""

    def __init__(self, uri: str, params: Mapping[str, list[str]]) -> None:
        super().__init__("GET", uri)
        flat = {k: v[0] for k, v in params.items() if v}
        self.payload = BasicOAuth2Payload(flat)
        self.payload._datalist = {k: list(v) for k, v in params.items()}  # noqa: SLF001

    @property
    def args(self) -> dict[str, str]:
        return self.payload.data

    @property
    def form(self) -> dict[str, str]:
        return {}


class OidcServer(AuthorizationServer):
    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self._clients = ClientCache(services.db, services.keyring, ttl=CLIENT_CACHE_SECONDS,
                                    generation=ClientGeneration(services.store))
        self.register_token_generator("default", self.generate_bearer_token)

    def handle_response(self, status_code, payload, headers):
        # An error names the request id, an extra member clients ignore (RFC 6749 §5.2), so a
        # department's report of a refusal leads to its log lines.
        if status_code >= 400 and isinstance(payload, dict) and "error" in payload:
            payload = {**payload, "request_id": request_id()}
        if isinstance(payload, dict):  # orjson: ~2 us where json.dumps takes ~10-25 us here
            payload = orjson.dumps(payload)
        return Response(payload, status=status_code, headers=headers)

    # --- storage --------------------------------------------------------------------------

    def query_client(self, client_id: str | None):
        """The enabled client, from the per-process cache: the token endpoint would otherwise
        read the client row on every request. A disabled client or a rotated secret is refused
        at once on every node (the cache follows ``clients.generation``; while the Store is
        unreachable, within CLIENT_CACHE_SECONDS)."""
        client = self._clients.get(client_id if isinstance(client_id, str) else None)
        return None if client is None or client.disabled else client

    def generate_bearer_token(
        self, grant_type: str, client, user: EndUser | None = None, scope: str | None = None,
        expires_in: int | None = None, include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        scope = scope or ""
        access = jwt.access_token(self.services, client, user, scope)
        token: dict[str, Any] = {
            "token_type": "Bearer", "access_token": access.value,
            "expires_in": access.expires_in, "scope": scope,
        }
        # Refresh tokens only with offline_access or the client's policy (OIDC Core §11);
        # a refresh always rotates (RFC 9700 §4.14.2).
        wants = "offline_access" in scope.split() or client.allow_refresh
        if user and include_refresh_token and (wants or grant_type == "refresh_token"):
            token["refresh_token"] = refresh_tokens.new_value()
        return token

    def save_token(self, token: dict[str, Any], request) -> None:
        """Persist the refresh token (rotating the old one) and audit, in one transaction."""
        previous = request.refresh_token
        event = EventType.TOKEN_REFRESH if previous is not None else EventType.TOKEN_ISSUE
        claims = _jwt_claims(token["access_token"])
        family = None
        # (a request rebuilt from saved parameters has no environ: the Flask request's, then)
        audit = {"actor": actor(getattr(request, "environ", None)),
                 "client_id": request.client.client_id,
                 "account_id": request.user.account_id if request.user else None,
                 "grant_type": request.payload.grant_type, "scope": token["scope"],
                 "jti": claims["jti"]}
        if not token.get("refresh_token"):
            # The event is this request's only write: committed with concurrent token
            # requests' events in one transaction, still before the response (group.py).
            self.services.audit_batch.record(event, refresh=False, **audit)
        else:
            with self.services.db.begin() as session:
                row = refresh_tokens.add(session, token["refresh_token"], request.client,
                                         request.user, token["scope"], previous,
                                         access=(claims["jti"], claims["exp"]))
                family = row.family_id
                record(session, event, refresh=True, **audit)
        if request.user is not None:
            access_tokens.remember(self.services, request.client, claims["jti"], claims["exp"],
                                   request.user)
        if request.authorization_code is not None:
            authorization_codes.note_issued(
                self.services.store, request.authorization_code.key, jti=claims["jti"],
                exp=claims["exp"], family=family)

    # --- framework ------------------------------------------------------------------------

    def create_oauth2_request(self, request):
        if isinstance(request, OAuth2Request):
            return request
        if isinstance(request, Mapping):
            return ParamsRequest(self.services.settings.issuer + "/authorize", request)
        return LeanFlaskOAuth2Request(flask_request)


def _jwt_claims(value: str) -> dict[str, Any]:
    """The payload of a JWT we have just signed (no need to verify our own signature)."""
    payload = value.split(".")[1]
    return json.loads(urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def build_server(services: Services) -> OidcServer:
    server = OidcServer(services)
    server.register_grant(AuthorizationCodeGrant, [
        S256CodeChallenge(required=True), OpenIDCodeExtension(),
    ])
    server.register_grant(RefreshTokenGrant, [RefreshedIdToken()])
    server.register_grant(ClientCredentialsGrant)
    server.register_grant(DeviceCode, [OpenIDCodeExtension()])  # RFC 8628
    server.register_client_auth_method(PrivateKeyJwt.CLIENT_AUTH_METHOD, PrivateKeyJwt(services))
    server.register_endpoint(Introspection)
    server.register_endpoint(Revocation)
    server.register_endpoint(EndSession)
    server.register_endpoint(DeviceAuthorization)
    return server


def oidc_server() -> OidcServer:
    return current_app.extensions["oidc"]


def init_app(app: Flask) -> None:
    """Build the app's server (the app factory registers the routes and the session hooks),
    put the prepared discovery and JWKS documents and the token, introspection, revocation and
    userinfo endpoints in front of Flask (``documents``, ``machine_endpoints``), and serve the other
    endpoints programs call without a browser session (``idp.web.lean_session``)."""
    from idp.oidc.machine_endpoints import MachineEndpoints

    services = app.extensions["yiwang"]
    server = app.extensions["oidc"] = build_server(services)
    app.wsgi_app = MachineEndpoints(PreparedDocuments(app.wsgi_app, services), app, server)
    lean_session.skip_sessions(app, MACHINE_PATHS)
