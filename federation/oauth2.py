"""A plain OAuth 2.0 upstream (a payment app's real-name login) as a ``RedirectSource``: the
authorization code flow with PKCE and ``state``, then its userinfo URL read with the access
token. No ID token: who the person is comes only from that JSON, through the mapping
(``ours=path``, a dotted path into the answer, e.g. ``id_number=data.cert_no``).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from authlib.oauth2.rfc7636 import create_s256_code_challenge

from federation.contract import (
    Redirect,
    SourceKind,
    SourceRefused,
    UpstreamIdentity,
    granted_level,
)
from federation.oidc.client_auth import token_request
from federation.upstream_http import get_json


class OAuth2Source:
    kind = SourceKind.OAUTH2

    def __init__(self, name: str, config: Mapping[str, Any]) -> None:
        self.name = name
        self.authorize_url: str = config["authorize_url"]
        self.token_url: str = config["token_url"]
        self.userinfo_url: str = config["userinfo_url"]
        self.client_id: str = config["client_id"]
        self.client_secret: str | None = config.get("client_secret")
        self.scopes: list[str] = list(config.get("scopes") or [])
        self.mapping: dict[str, str] = dict(config.get("mapping") or {})
        self.subject_path: str = config.get("subject", "sub")
        self.level: int = int(config.get("level", 1))
        self.token_auth: str = config.get("token_auth", "client_secret_basic")
        self.private_jwk: dict[str, Any] | None = config.get("private_jwk")
        self.timeout: float = float(config.get("timeout", 5.0))

    def start(self, *, callback_url: str) -> Redirect:
        state, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(48)
        query = {"response_type": "code", "client_id": self.client_id,
                 "redirect_uri": callback_url, "state": state,
                 "code_challenge": create_s256_code_challenge(verifier),
                 "code_challenge_method": "S256"}
        if self.scopes:
            query["scope"] = " ".join(self.scopes)
        joiner = "&" if "?" in self.authorize_url else "?"
        return Redirect(url=self.authorize_url + joiner + urlencode(query),
                        keep={"state": state, "code_verifier": verifier})

    def finish(self, *, callback_url: str, params: Mapping[str, str],
               kept: Mapping[str, str]) -> UpstreamIdentity:
        if params.get("error") or not params.get("code"):
            raise SourceRefused("身份提供方未完成登录。",
                                f"upstream error {params.get('error', 'no code')[:64]}")
        tokens = token_request(self, {"token_endpoint": self.token_url}, {
            "grant_type": "authorization_code", "code": params["code"],
            "redirect_uri": callback_url, "code_verifier": kept["code_verifier"]})
        access_token = tokens.get("access_token")
        if not isinstance(access_token, str):
            raise SourceRefused("身份提供方的应答无效。", "no access_token")
        info = get_json(self.userinfo_url, timeout=self.timeout, token=access_token)
        subject = _at(info, self.subject_path)
        if subject in (None, ""):
            raise SourceRefused("身份提供方的应答无效。", f"no {self.subject_path} in userinfo")
        attributes = {ours: str(value) for ours, path in self.mapping.items()
                      if (value := _at(info, path)) not in (None, "")}
        return UpstreamIdentity(source=self.name, kind=self.kind, subject=str(subject),
                                level=granted_level(self.level, self.level), amr=(),
                                attributes=attributes)


def _at(data: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, Mapping):
            return None
        data = data.get(part)
    return data


def build(name: str, config: Mapping[str, Any]) -> OAuth2Source:
    return OAuth2Source(name, config)
