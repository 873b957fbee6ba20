"""argon2id password hashing: one ``PasswordHasher`` per app, built from the settings' cost.

Passwords are NFKC-normalised before hashing (NIST SP 800-63B §5.1.1.2), so the same password
typed with full-width and half-width characters verifies the same way.
"""

from __future__ import annotations

import secrets
import threading
import unicodedata

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from idp.accounts.enums import AccountClass
from idp.accounts.password_policy import WeakPassword, check_password
from idp.settings import Settings

__all__ = ["AccountClass", "Passwords", "WeakPassword", "check_password"]


class Passwords:
    """Hash and verify passwords at the cost the settings name."""

    def __init__(self, settings: Settings) -> None:
        self._hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
            type=Type.ID,
        )
        self._dummy: str | None = None
        self._lock = threading.Lock()

    def hash(self, password: str) -> str:
        return self._hasher.hash(_normal(password))

    def verify(self, password_hash: str, password: str) -> bool:
        """True when password matches; argon2 compares digests in constant time."""
        try:
            return self._hasher.verify(password_hash, _normal(password))
        except (VerificationError, InvalidHashError):
            return False

    def verify_or_dummy(self, password_hash: str | None, password: str) -> bool:
        """Verify against the account's hash, or (no account) against a dummy hash of the same
        cost, so the response time does not reveal whether the account exists."""
        if password_hash is None:
            self.verify(self._dummy_hash(), password)
            return False
        return self.verify(password_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with other parameters than the current settings."""
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

    def _dummy_hash(self) -> str:
        with self._lock:
            if self._dummy is None:
                self._dummy = self._hasher.hash(secrets.token_urlsafe(16))
            return self._dummy


def _normal(password: str) -> str:
    return unicodedata.normalize("NFKC", password)
