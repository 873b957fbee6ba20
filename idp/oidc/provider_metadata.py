"""OpenID Provider metadata (OIDC Discovery §3, RFC 8414): what the provider really does.

Served by ``idp.oidc.endpoints.discovery``; the admin console shows it too.
"""

from __future__ import annotations

from typing import Any

from authlib.oauth2.rfc8628 import DEVICE_CODE_GRANT_TYPE

from idp.claims import KNOWN_CLAIMS, SUPPORTED_SCOPES
from idp.oidc.authorization.parameters import ACR_VALUES, RESPONSE_MODES
from idp.oidc.grants.client_auth import TOKEN_AUTH_METHODS
from idp.oidc.tokens.jwt import ID_TOKEN_ALGS
from idp.oidc.tokens.userinfo_jwt import USERINFO_ALGS
from idp.settings import Settings


def metadata(settings: Settings) -> dict[str, Any]:
    issuer = settings.issuer
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "userinfo_endpoint": f"{issuer}/userinfo",
        "jwks_uri": f"{issuer}/jwks",
        "registration_endpoint": f"{issuer}/connect/register",
        "introspection_endpoint": f"{issuer}/introspect",
        "revocation_endpoint": f"{issuer}/revoke",
        "pushed_authorization_request_endpoint": f"{issuer}/par",
        "end_session_endpoint": f"{issuer}/session/end",
        "device_authorization_endpoint": f"{issuer}/device_authorization",  # RFC 8628 §4
        "scopes_supported": list(SUPPORTED_SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": list(RESPONSE_MODES),
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials",
                                  DEVICE_CODE_GRANT_TYPE],
        "subject_types_supported": ["public", "pairwise"],
        "acr_values_supported": list(ACR_VALUES),
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
