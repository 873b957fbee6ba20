"""The OIDC client (relying party) and its policy, as Authlib's ``ClientMixin`` expects it.

Authlib's ``sqla_oauth2`` mixins are pre-2.0 SQLAlchemy and commit inside helpers (STYLE §10),
so the mixin methods are implemented here on a 2.0 ``Mapped`` model.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from authlib.oauth2.rfc6749 import ClientMixin
from sqlalchemy import JSON, Boolean, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from clients.credentials import secret_matches
from clients.redirect_uris import redirect_uri_matches
from idp.db import Base, utcnow
from idp.sso.first_factors import ALL_FIRST_FACTORS


class OidcClient(Base, ClientMixin):
    __tablename__ = "oidc_clients"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    department: Mapped[str | None] = mapped_column(String(200), index=True)
    # "web" or "native" (OIDC Registration §2): decides which redirect URIs are acceptable.
    application_type: Mapped[str] = mapped_column(String(16), default="web")
    secret_hash: Mapped[str | None] = mapped_column(String(64))
    secret_rotated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    token_endpoint_auth_method: Mapped[str] = mapped_column(
        String(32), default="client_secret_basic"
    )
    jwks: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    jwks_uri: Mapped[str | None] = mapped_column(String(2000))
    redirect_uris: Mapped[list[str]] = mapped_column(JSON, default=list)
    post_logout_redirect_uris: Mapped[list[str]] = mapped_column(JSON, default=list)
    backchannel_logout_uri: Mapped[str | None] = mapped_column(String(2000))
    backchannel_logout_session_required: Mapped[bool] = mapped_column(Boolean, default=True)
    frontchannel_logout_uri: Mapped[str | None] = mapped_column(String(2000))
    frontchannel_logout_session_required: Mapped[bool] = mapped_column(Boolean, default=True)
    grant_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    response_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    allowed_scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    allowed_claims: Mapped[list[str]] = mapped_column(JSON, default=list)
    subject_type: Mapped[str] = mapped_column(String(16), default="public")
    sector_identifier: Mapped[str | None] = mapped_column(String(255))
    sector_identifier_uri: Mapped[str | None] = mapped_column(String(2000))
    min_level: Mapped[int] = mapped_column(Integer, default=1)
    # Which accounts it admits: "person" (citizens, administrators), "staff" (issue 14).
    account_classes: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["person"])
    # The first factors a login for it may use (issue 13): password, sms, passkey, scan.
    first_factors: Mapped[list[str]] = mapped_column(JSON, default=lambda: list(ALL_FIRST_FACTORS))
    # The upstream identity providers (their names) a login for it may come through (issue
    # 15); empty: every enabled one.
    upstreams: Mapped[list[str]] = mapped_column(JSON, default=list)
    id_token_signed_response_alg: Mapped[str] = mapped_column(String(16), default="RS256")
    # OIDC Registration §2: None answers userinfo as plain JSON; an alg, as a signed JWT.
    userinfo_signed_response_alg: Mapped[str | None] = mapped_column(String(16))
    access_token_lifetime: Mapped[int] = mapped_column(Integer, default=600)
    refresh_token_lifetime: Mapped[int] = mapped_column(Integer, default=8 * 3600)
    refresh_token_absolute_lifetime: Mapped[int] = mapped_column(Integer, default=30 * 86400)
    id_token_lifetime: Mapped[int] = mapped_column(Integer, default=600)
    # Government first-party systems skip the consent page (issue 3).
    first_party: Mapped[bool] = mapped_column(Boolean, default=False)
    # Refresh tokens without `offline_access` when the client's policy allows them.
    allow_refresh: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # A client the IdP registers for itself ("console"): the unique key makes it one client
    # however many workers or nodes register it at the same moment (``registry.ensure_builtin``).
    builtin: Mapped[str | None] = mapped_column(String(32), index=True, unique=True)
    registration_access_token_hash: Mapped[str | None] = mapped_column(String(64))
    # Informative RFC 7591 metadata kept as sent: client_uri, logo_uri, contacts, ...
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    # Not a column: the HMAC key, attached by ``get_client(..., keyring=...)`` so that
    # Authlib's ``authenticate_client`` can call ``check_client_secret`` on the object.
    _secret_key = None  # bytes | None

    @property
    def is_public(self) -> bool:
        return self.token_endpoint_auth_method == "none"  # noqa: S105 - a method name

    @property
    def is_native(self) -> bool:
        return self.application_type == "native"

    def attach_secret_key(self, key: bytes) -> OidcClient:
        self._secret_key = key
        return self

    # --- authlib.oauth2.rfc6749.ClientMixin ---------------------------------------------

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        # OIDC Core §3.1.2.1: redirect_uri is REQUIRED, so only a client with exactly one
        # registered URI gets a default (RFC 6749 §3.1.2.3).
        return self.redirect_uris[0] if len(self.redirect_uris) == 1 else None

    def get_allowed_scope(self, scope: str | None) -> str:
        if not scope:
            return ""
        allowed = set(self.allowed_scopes)
        return " ".join(s for s in dict.fromkeys(scope.split()) if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        # RFC 8252 §7.3: the loopback port exception is for native public clients only.
        return redirect_uri_matches(
            self.redirect_uris, redirect_uri, loopback_any_port=self.is_native and self.is_public
        )

    def check_post_logout_redirect_uri(self, uri: str) -> bool:
        return uri in self.post_logout_redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        if self._secret_key is None:
            raise RuntimeError("load the client with get_client(..., keyring=...) to check secrets")
        return not self.disabled and secret_matches(
            self._secret_key, client_secret, self.secret_hash
        )

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        # The token, introspection and revocation endpoints (RFC 7662 §2.1, RFC 7009 §2.1)
        # all take the client's one registered method.
        return method == self.token_endpoint_auth_method

    def check_response_type(self, response_type: str) -> bool:
        return response_type in self.response_types

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.grant_types

    def __repr__(self) -> str:
        return f"<OidcClient {self.client_id} {self.name!r}>"
