"""Signed UserInfo responses (OIDC Core §5.3.2) for clients that registered
``userinfo_signed_response_alg`` (OIDC Registration §2)."""

from __future__ import annotations

from typing import Any

from clients.validation import SIGNING_ALGS
from idp.services import Services

# What discovery offers as userinfo_signing_alg_values_supported; never "none".
USERINFO_ALGS = list(SIGNING_ALGS)


def signed_userinfo(services: Services, client: Any, claims: dict[str, Any]) -> str | None:
    """The released claims as a JWS by the client's registered algorithm, or None when the
    client registered none (plain JSON then). §5.3.2: a signed response SHOULD carry iss and
    aud; the released claims (with sub) are otherwise the same as the JSON ones."""
    alg = getattr(client, "userinfo_signed_response_alg", None)
    if not alg:
        return None
    body = {**claims, "iss": services.settings.issuer, "aud": client.client_id}
    return services.signing_keys.sign_jwt(body, alg)
