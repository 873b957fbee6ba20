"""Who we are to the browser, and the challenge of each ceremony.

The RP ID is the issuer's host and the only accepted origin is the issuer's origin (WebAuthn
L3 §5.1.3 step 9, §7.2 step 15): a look-alike site, even on another port of the same host,
gets an assertion we refuse. A challenge is random, lives ``CHALLENGE_TTL`` seconds in the
Store under the login or session it was made for, and is taken (read and deleted at once) by
the ceremony that checks it, so a replayed response finds no challenge.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

if TYPE_CHECKING:
    from idp.services import Services

CHALLENGE_TTL = 3 * 60
TIMEOUT_MS = 2 * 60 * 1000  # what the browser is told; the Store's TTL outlives it a little


@dataclass(frozen=True)
class RelyingParty:
    id: str  # RP ID: the issuer's host name, without port
    origin: str  # scheme://host[:port] of the issuer
    name: str = "一网通办"


def relying_party(services: Services) -> RelyingParty:
    parts = urlsplit(services.settings.issuer)
    return RelyingParty(id=parts.hostname or "localhost", origin=f"{parts.scheme}://{parts.netloc}")


@dataclass(frozen=True)
class Challenge:
    value: bytes
    account_id: str | None  # whom the ceremony is for (None: a passwordless login, anyone)


def new_challenge(services: Services, purpose: str, binding: str,
                  account_id: str | None) -> bytes:
    """A fresh challenge for ``purpose`` ("register", "second_factor", "login") bound to
    ``binding`` (the session, the pending login or the browser), replacing any earlier one."""
    value = secrets.token_bytes(32)
    services.store.put(_key(purpose, binding),
                       json.dumps({"c": bytes_to_base64url(value), "a": account_id}),
                       CHALLENGE_TTL)
    return value


def take_challenge(services: Services, purpose: str, binding: str) -> Challenge | None:
    """The challenge made for this binding, used up by this call; None when there is none
    (never made, expired, or already used)."""
    raw = services.store.take(_key(purpose, binding))
    if raw is None:
        return None
    data = json.loads(raw)
    return Challenge(value=base64url_to_bytes(data["c"]), account_id=data["a"])


def _key(purpose: str, binding: str) -> str:
    return f"passkey-challenge:{purpose}:{binding}"
