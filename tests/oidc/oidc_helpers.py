"""Helpers for the OIDC tests (a module of its own: every feature folder has a conftest)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

REDIRECT = "https://rp.example.gov.cn/cb"
ID_NUMBER = "11010519491231002X"


@dataclass
class Rp:
    client_id: str
    secret: str | None
    redirect_uri: str = REDIRECT

    @property
    def basic(self) -> dict[str, str]:
        raw = f"{self.client_id}:{self.secret}".encode()
        return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


@dataclass
class Pkce:
    verifier: str = field(default_factory=lambda: secrets.token_urlsafe(48))

    @property
    def challenge(self) -> str:
        digest = hashlib.sha256(self.verifier.encode()).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def query(response) -> dict[str, str]:
    """The parameters of a redirect's query (or fragment)."""
    parts = urlsplit(response.headers["Location"])
    return {k: v[0] for k, v in parse_qs(parts.query or parts.fragment).items()}


def authorize_params(rp: Rp, pkce: Pkce | None = None, **extra) -> dict[str, str]:
    params = {"response_type": "code", "client_id": rp.client_id,
              "redirect_uri": rp.redirect_uri, "scope": "openid profile", "state": "s-1",
              "nonce": "n-1"}
    if pkce:
        params.update(code_challenge=pkce.challenge, code_challenge_method="S256")
    params.update(extra)
    return {k: v for k, v in params.items() if v is not None}


def get_code(client, rp: Rp, pkce: Pkce | None = None, **extra) -> str:
    response = client.get("/authorize", query_string=authorize_params(rp, pkce, **extra))
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return query(response)["code"]


def redeem(client, rp: Rp, code: str, pkce: Pkce | None = None, **extra):
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": rp.redirect_uri}
    if pkce:
        form["code_verifier"] = pkce.verifier
    form.update(extra)
    return client.post("/token", data=form, headers=rp.basic)
