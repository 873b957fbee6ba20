"""An OpenID Connect upstream as a ``RedirectSource``: the authorization code flow with PKCE
(S256), ``state`` and ``nonce``; the ID token checked against the upstream's JWKS and
OpenID Connect Core §3.1.3.7; userinfo read when a mapped claim is not in the ID token.

``start`` makes the single-use values the callback must match and hands them to the caller to
keep (the Store, through ``federation.upstream_login``); ``finish`` takes them back.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from authlib.oauth2.rfc7636 import create_s256_code_challenge

from federation.contract import (
    Redirect,
    SourceError,
    SourceKind,
    SourceRefused,
    UpstreamIdentity,
    granted_level,
)
from federation.oidc import discovery
from federation.oidc.client_auth import token_request
from federation.oidc.id_token import check_id_token, check_logout_token, kid_of, signed_claims
from federation.upstream_http import get_json

# UpstreamIdentity attributes that are no person's data: what logout needs later.
UPSTREAM_ID_TOKEN = "upstream_id_token"  # noqa: S105 - an attribute's name
UPSTREAM_SID = "upstream_sid"


class OidcSource:
    kind = SourceKind.OIDC

    def __init__(self, name: str, config: Mapping[str, Any]) -> None:
        self.name = name
        self.issuer: str = config["issuer"]
        self.client_id: str = config["client_id"]
        self.client_secret: str | None = config.get("client_secret")
        self.scopes: list[str] = list(config.get("scopes") or ["openid"])
        self.mapping: dict[str, str] = dict(config.get("mapping") or {})
        self.level: int = int(config.get("level", 1))
        self.token_auth: str = config.get("token_auth", "client_secret_basic")
        self.private_jwk: dict[str, Any] | None = config.get("private_jwk")
        self.timeout: float = float(config.get("timeout", 5.0))

    def metadata(self) -> dict[str, Any]:
        return discovery.discover(self.issuer, timeout=self.timeout)

    def start(self, *, callback_url: str) -> Redirect:
        document = self.metadata()  # an upstream that is down fails here, before the redirect
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        verifier = secrets.token_urlsafe(48)
        query = {
            "response_type": "code", "client_id": self.client_id, "redirect_uri": callback_url,
            "scope": " ".join(self.scopes), "state": state, "nonce": nonce,
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
        }
        endpoint = document["authorization_endpoint"]
        joiner = "&" if "?" in endpoint else "?"
        return Redirect(url=endpoint + joiner + urlencode(query),
                        keep={"state": state, "nonce": nonce, "code_verifier": verifier})

    def finish(self, *, callback_url: str, params: Mapping[str, str],
               kept: Mapping[str, str]) -> UpstreamIdentity:
        if params.get("error"):
            raise SourceRefused("身份提供方未完成登录。", f"upstream error {params['error'][:64]}")
        # RFC 9207: an upstream that names itself in the answer must name itself.
        if params.get("iss") and params["iss"] != self.issuer:
            raise SourceRefused("身份提供方的凭证无效。", "authorization response iss differs")
        code = params.get("code")
        if not code:
            raise SourceRefused("身份提供方未完成登录。", "no code")
        document = self.metadata()
        tokens = token_request(self, document, {
            "grant_type": "authorization_code", "code": code, "redirect_uri": callback_url,
            "code_verifier": kept["code_verifier"]})
        id_token = tokens.get("id_token")
        if not isinstance(id_token, str):
            raise SourceRefused("身份提供方的凭证无效。", "no id_token")
        claims = self.verified(id_token, document)
        check_id_token(claims, issuer=self.issuer, client_id=self.client_id,
                       nonce=kept["nonce"])
        if any(theirs not in claims for theirs in self.mapping.values()) and \
                document.get("userinfo_endpoint") and tokens.get("access_token"):
            claims = {**self._userinfo(document, str(tokens["access_token"]), claims["sub"]),
                      **claims}
        return self.identity(claims, id_token)

    def verified(self, token: str, document: Mapping[str, Any]) -> dict[str, Any]:
        keys = discovery.key_set(document["jwks_uri"], timeout=self.timeout, kid=kid_of(token))
        return signed_claims(token, keys)

    def identity(self, claims: Mapping[str, Any], id_token: str) -> UpstreamIdentity:
        attributes = {ours: str(claims[theirs]) for ours, theirs in self.mapping.items()
                      if claims.get(theirs) not in (None, "")}
        attributes[UPSTREAM_ID_TOKEN] = id_token
        if isinstance(claims.get("sid"), str):
            attributes[UPSTREAM_SID] = claims["sid"]
        amr = claims.get("amr")
        return UpstreamIdentity(
            source=self.name, kind=self.kind, subject=f"{self.issuer}#{claims['sub']}",
            level=granted_level(self._asserted_level(claims), self.level),
            amr=tuple(str(m) for m in amr) if isinstance(amr, list) else (),
            attributes=attributes)

    def _asserted_level(self, claims: Mapping[str, Any]) -> int:
        # An upstream's acr is its own vocabulary: a number is read as a level, anything else
        # leaves the configured level (the ceiling) as what the upstream is trusted for.
        acr = claims.get("acr")
        return int(acr) if isinstance(acr, str) and acr.isdigit() else self.level

    def _userinfo(self, document: Mapping[str, Any], access_token: str,
                  sub: str) -> dict[str, Any]:
        info = get_json(document["userinfo_endpoint"], timeout=self.timeout, token=access_token)
        # Core §5.3.2: a userinfo answer for another subject must not be used.
        if info.get("sub") != sub:
            raise SourceRefused("身份提供方的凭证无效。", "userinfo sub differs")
        return info

    def logout_subject(self, logout_token: str) -> tuple[str | None, str | None, str]:
        """(subject as linked, upstream sid, jti) of a verified back-channel logout token."""
        claims = self.verified(logout_token, self.metadata())
        check_logout_token(claims, issuer=self.issuer, client_id=self.client_id)
        sub = claims.get("sub")
        return (f"{self.issuer}#{sub}" if sub else None, claims.get("sid"), claims["jti"])

    def end_session_url(self, id_token: str, post_logout_redirect_uri: str | None = None
                        ) -> str | None:
        """RP-initiated logout at the upstream (OpenID RP-Initiated Logout 1.0), if offered."""
        try:
            endpoint = self.metadata().get("end_session_endpoint")
        except SourceError:  # down or misconfigured: our own logout goes on regardless
            return None
        if not isinstance(endpoint, str):
            return None
        query = {"id_token_hint": id_token, "client_id": self.client_id}
        if post_logout_redirect_uri:
            query["post_logout_redirect_uri"] = post_logout_redirect_uri
        return endpoint + ("&" if "?" in endpoint else "?") + urlencode(query)


def build(name: str, config: Mapping[str, Any]) -> OidcSource:
    return OidcSource(name, config)
