"""Authorization codes in the Store: single use (``take``), 60 seconds, bound to everything.

A code is kept under the SHA-256 of its value, bound to the client, redirect URI, PKCE
challenge, nonce and the SSO session's facts (RFC 9700 §4.2.1, OIDC Core §3.1.3.2). Once a
code has issued tokens a marker remembers them, so a second use (RFC 6749 §4.1.2) can revoke
them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from authlib.oidc.core import AuthorizationCodeMixin

from idp.store import Store, put_json, take_json

CODE_TTL = 60
# How long a redeemed code's marker lives: the longest access token lifetime a client may have.
USED_MARKER_TTL = 86400


def code_key(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


@dataclass
class AuthorizationCode(AuthorizationCodeMixin):
    key: str
    client_id: str
    redirect_uri: str
    scope: str
    account_id: str
    sid: str | None
    auth_time: int
    acr: str
    amr: list[str]
    nonce: str | None = None
    code_challenge: str | None = None
    code_challenge_method: str | None = None
    acting_for: dict[str, Any] | None = None
    # Claim names asked for by the `claims` parameter (OIDC Core §5.5), per target.
    claims: dict[str, Any] = field(default_factory=dict)

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> str:
        return self.acr

    def get_amr(self) -> list[str]:
        return self.amr


def save_code(store: Store, code: AuthorizationCode) -> None:
    # Its fields as they are (vars): written as JSON at once, so asdict's deep copy is waste.
    put_json(store, f"oidc-code:{code.key}", vars(code), CODE_TTL)


def take_code(store: Store, code: str) -> AuthorizationCode | None:
    """The code's data, at most once: of concurrent redeemers exactly one gets it."""
    key = code_key(code)
    data = take_json(store, f"oidc-code:{key}")
    return None if data is None else AuthorizationCode(**data)


def note_issued(store: Store, key: str, *, jti: str, exp: int, family: str | None) -> None:
    """Remember what a redeemed code issued (one writer: the one redeemer, once)."""
    marker = {"jtis": [[jti, exp]], "families": [family] if family else []}
    put_json(store, f"oidc-code-used:{key}", marker, USED_MARKER_TTL)


def take_used_marker(store: Store, code: str) -> dict[str, Any] | None:
    """What the first use of an already-redeemed code issued, or None if never redeemed."""
    raw = store.take(f"oidc-code-used:{code_key(code)}")
    return json.loads(raw) if raw else None
