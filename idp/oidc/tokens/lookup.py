"""Finding a presented token for introspection and revocation: one of our JWT access tokens
or a refresh token, in the shape Authlib's endpoints expect (``TokenMixin``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from idp.oidc.grants import refresh_tokens
from idp.oidc.grants.refresh_token_model import RefreshToken
from idp.oidc.tokens import access_tokens
from idp.services import Services


@dataclass
class AccessTokenRecord:
    claims: dict[str, Any]
    revoked: bool = False

    def check_client(self, client) -> bool:
        return self.claims["client_id"] == client.get_client_id()

    def get_scope(self) -> str:
        return self.claims["scope"]

    def is_expired(self) -> bool:
        return False  # verify() refused expired tokens

    def is_revoked(self) -> bool:
        return self.revoked


def find(
    services: Services, value: str, hint: str | None
) -> AccessTokenRecord | RefreshToken | None:
    """The token whatever the hint says (RFC 7662 §2.1, RFC 7009 §2.1: the hint only
    speeds up the lookup)."""
    if value.count(".") == 2:
        claims = access_tokens.verify(services, value)
        return AccessTokenRecord(claims) if claims else None
    return refresh_tokens.find(services, value)
