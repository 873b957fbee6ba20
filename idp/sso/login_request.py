"""The protocol-neutral hand-off from OIDC or SAML to the login pages (node's Interaction)."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from idp.store import Store

LOGIN_REQUEST_TTL = 30 * 60


class Protocol(StrEnum):
    OIDC = "oidc"
    SAML = "saml"


class Door(StrEnum):
    """The doors of the portal's login page."""

    PERSON = "person"  # 个人办事
    LEGAL = "legal"  # 法人办事: a person logs in to act for a legal person


@dataclass
class LoginRequest:
    return_to: str  # where the browser resumes the protocol flow after login (a local path)
    protocol: Protocol
    client_id: str | None = None
    client_name: str | None = None
    force_login: bool = False  # prompt=login, ForceAuthn, or max_age exceeded
    min_level: int = 1  # assurance level the relying party needs (acr_values, policy)
    login_hint: str | None = None
    door: Door | None = None  # which door of the portal to open
    # The first factors the relying party accepts (idp.sso.first_factors); None: every one.
    first_factors: list[str] | None = None
    # The upstream identity providers it accepts, by name (issue 15); None: every enabled one.
    upstreams: list[str] | None = None
    # A phishing-resistant login asked for (SAML's passkey class): only a passkey will do.
    passkey_required: bool = False
    created_at: int = field(default_factory=lambda: int(time.time()))
    id: str = field(default_factory=lambda: secrets.token_urlsafe(18))

    def __post_init__(self) -> None:  # read back from the Store's JSON as plain strings
        self.protocol = Protocol(self.protocol)
        self.door = Door(self.door) if self.door else None


def save_login_request(store: Store, request: LoginRequest) -> str:
    store.put(f"login:{request.id}", json.dumps(asdict(request)), LOGIN_REQUEST_TTL)
    return request.id


def load_login_request(store: Store, request_id: str | None) -> LoginRequest | None:
    if not request_id:
        return None
    raw = store.get(f"login:{request_id}")
    return LoginRequest(**json.loads(raw)) if raw else None


def drop_login_request(store: Store, request_id: str) -> None:
    store.delete(f"login:{request_id}")
