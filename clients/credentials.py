"""Client secrets and registration tokens: random, shown once, stored as keyed hashes.

Client secrets are high-entropy random values, not passwords, so a fast HMAC-SHA256 under a
server-side data key is the right hash (argon2 would cap the token endpoint at ~22 requests per
second per core, see NOTES). Comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

# The keyring purpose of the HMAC key (one data key per purpose, wrapped by the KEK).
KEY_PURPOSE = "client-secret"
# RFC 9700 §4.x / CONFORMANCE: tokens carry at least 128 bits from a CSPRNG; these have 256.
SECRET_BYTES = 32


def new_client_id() -> str:
    """24 urlsafe characters (144 bits): unguessable, short enough for logs and URLs."""
    return secrets.token_urlsafe(18)


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def hash_secret(key: bytes, secret: str) -> str:
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def secret_matches(key: bytes, secret: str | None, stored_hash: str | None) -> bool:
    """True when secret hashes to stored_hash; never true for a missing secret or hash."""
    if not secret or not stored_hash:
        return False
    return hmac.compare_digest(hash_secret(key, secret), stored_hash)
