"""Client authentication at an upstream's token endpoint: ``client_secret_basic`` unless
configured otherwise (RFC 6749 §2.3.1), ``client_secret_post``, or ``private_key_jwt``
(OpenID Connect Core §9: a JWT we sign, for upstreams that issue no secret)."""

from __future__ import annotations

import base64
import secrets
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from joserfc import jwt
from joserfc.jwk import import_key

from federation.contract import SourceRefused
from federation.upstream_http import post_form

if TYPE_CHECKING:
    from federation.oidc.source import OidcSource

TOKEN_AUTH_METHODS = ("client_secret_basic", "client_secret_post", "private_key_jwt")
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def token_request(source: OidcSource, document: Mapping[str, Any],
                  form: dict[str, str]) -> dict[str, Any]:
    endpoint = document["token_endpoint"]
    headers: dict[str, str] = {}
    form = {**form, "client_id": source.client_id}
    method = source.token_auth
    if method == TOKEN_AUTH_METHODS[2]:
        if not source.private_jwk:
            raise SourceRefused("身份提供方配置有误。", "private_key_jwt without a key")
        form["client_assertion_type"] = ASSERTION_TYPE
        form["client_assertion"] = _assertion(source.client_id, endpoint, source.private_jwk)
    elif method == TOKEN_AUTH_METHODS[1]:
        form["client_secret"] = source.client_secret or ""
    else:
        # RFC 6749 §2.3.1: id and secret are form-urlencoded before the Basic encoding.
        pair = f"{quote(source.client_id, safe='')}:{quote(source.client_secret or '', safe='')}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        form.pop("client_id")
    return post_form(endpoint, form, timeout=source.timeout, headers=headers)


def _assertion(client_id: str, audience: str, private_jwk: Mapping[str, Any]) -> str:
    key = import_key(dict(private_jwk))
    now = int(time.time())
    claims = {"iss": client_id, "sub": client_id, "aud": audience, "iat": now,
              "exp": now + 60, "jti": secrets.token_urlsafe(16)}
    alg = "ES256" if private_jwk.get("kty") == "EC" else "RS256"
    return jwt.encode({"alg": alg, "kid": private_jwk.get("kid")}, claims, key)
