"""Personal data at rest: field encryption (AES-GCM) and keyed blind indexes (HMAC-SHA256).

A sealed value reads ``v1.<key id>.<base64url(nonce || ciphertext)>``; the column name is
bound in as associated data, so a value copied into another column does not open.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from keys.data_keys import NONCE_BYTES, Keyring


class SealError(ValueError):
    """A sealed value is malformed or does not open (wrong key or tampered)."""


class FieldCipher:
    def __init__(self, keyring: Keyring, purpose: str = "pii") -> None:
        self.key_id, key = keyring.key(purpose)
        self._aead = AESGCM(key)

    def seal(self, plaintext: str, context: str) -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        body = nonce + self._aead.encrypt(nonce, plaintext.encode(), context.encode())
        return f"v1.{self.key_id}.{base64.urlsafe_b64encode(body).decode()}"

    def open(self, sealed: str, context: str) -> str:
        try:
            version, key_id, body = sealed.split(".", 2)
            raw = base64.urlsafe_b64decode(body)
            if version != "v1" or key_id != self.key_id:
                raise SealError("sealed with an unknown key")
            nonce, body = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
            return self._aead.decrypt(nonce, body, context.encode()).decode()
        except (ValueError, InvalidTag) as exc:
            raise SealError("sealed value does not open") from exc


class BlindIndex:
    """Equality look-up of a sealed value without decrypting: HMAC(key, context, value)."""

    def __init__(self, keyring: Keyring) -> None:
        self._key = keyring.key("blind-index")[1]

    def __call__(self, value: str, context: str) -> str:
        message = context.encode() + b"\x00" + value.encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()
