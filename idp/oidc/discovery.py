"""OpenID Provider metadata (OIDC Discovery §3, RFC 8414), what the provider really does."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app

from idp.claims import KNOWN_CLAIMS, SUPPORTED_SCOPES
from idp.oidc.authorization import ACR_LEVELS, ID_TOKEN_ALGS, RESPONSE_MODES
from idp.oidc.blueprint import bp
from idp.oidc.grants import TOKEN_AUTH_METHODS
from idp.oidc.userinfo_jwt import USERINFO_ALGS
from idp.services import services
from idp.settings import Settings


def metadata(settings: Settings) -> dict[str, Any]:
    issuer = settings.issuer
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "userinfo_endpoint": f"{issuer}/userinfo",
        "jwks_uri": f"{issuer}/jwks",
        "registration_endpoint": f"{issuer}/register",
        "introspection_endpoint": f"{issuer}/introspect",
        "revocation_endpoint": f"{issuer}/revoke",
        "pushed_authorization_request_endpoint": f"{issuer}/par",
        "end_session_endpoint": f"{issuer}/session/end",
        "scopes_supported": list(SUPPORTED_SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": list(RESPONSE_MODES),
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "subject_types_supported": ["public", "pairwise"],
        "acr_values_supported": list(ACR_LEVELS),
        # Never "none" (CONFORMANCE: oidcc-idtoken-unsigned).
        "id_token_signing_alg_values_supported": ID_TOKEN_ALGS,
        # OIDC Core §5.3.2 signed userinfo, for clients that register an alg (never "none").
        "userinfo_signing_alg_values_supported": USERINFO_ALGS,
        "token_endpoint_auth_methods_supported": TOKEN_AUTH_METHODS,
        "token_endpoint_auth_signing_alg_values_supported": ["RS256", "PS256", "ES256", "EdDSA"],
        "introspection_endpoint_auth_methods_supported": TOKEN_AUTH_METHODS[:3],
        "revocation_endpoint_auth_methods_supported": TOKEN_AUTH_METHODS,
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": sorted(KNOWN_CLAIMS | {"iss", "aud", "exp", "iat", "auth_time",
                                                   "nonce", "amr", "sid"}),
        "claims_parameter_supported": True,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "require_request_uri_registration": False,
        "authorization_response_iss_parameter_supported": True,
        "prompt_values_supported": ["none", "login", "consent", "select_account"],
        "display_values_supported": ["page", "popup", "touch", "wap"],
        "ui_locales_supported": ["zh-CN", "en"],
        "claims_locales_supported": ["zh-CN", "en"],
        "frontchannel_logout_supported": True,
        "frontchannel_logout_session_supported": True,
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
    }


@bp.get("/.well-known/openid-configuration")
def openid_configuration():
    response = Response(_document(), mimetype="application/json")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _document() -> bytes:
    """The document, serialised once per app: it depends only on the settings, which are
    fixed for the app's lifetime, and relying parties fetch it often."""
    extensions = current_app.extensions
    cached = extensions.get("oidc_discovery")
    if cached is None:
        cached = extensions["oidc_discovery"] = json.dumps(
            metadata(services().settings), separators=(",", ":")).encode()
    return cached
