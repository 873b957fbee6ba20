"""One-time SMS codes, bound to a purpose and a phone, kept only as HMACs in the Store.

A code is 6 digits from ``secrets``, lives ``CODE_TTL`` seconds, is used once (``take``) and is
void after ``MAX_TRIES`` tries (NIST SP 800-63B §5.1.3.2: rate-limit out-of-band codes; 5 tries
at 1 in 10^6 each). The purpose is part of the key and of the HMAC, so a sign-up code never
recovers an account. A new code for the same purpose and phone replaces the last one.

Keys hold a keyed digest of the phone, never the number: the Store may be a Redis anyone on
the operations team can read (DESIGN.md: phone numbers are never stored in clear).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from enum import StrEnum

from idp.store import Store

CODE_TTL = 5 * 60
MAX_TRIES = 5
DIGITS = 6
KEY_PURPOSE = "one-time-codes"  # the keyring's data key for the HMACs


class CodePurpose(StrEnum):
    SIGNUP = "signup"
    LOGIN = "login"
    RECOVERY = "recovery"
    PHONE_CHANGE = "phone_change"


class CodeCheck(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # tries remain
    VOID = "void"  # no live code: never sent, expired, used, or its tries spent


class OneTimeCodes:
    def __init__(self, store: Store, key: bytes) -> None:
        self.store = store
        self._key = key

    def issue(self, purpose: CodePurpose, phone: str) -> str:
        """A new code for purpose and phone (the caller sends it); replaces any live one."""
        code = f"{secrets.randbelow(10 ** DIGITS):0{DIGITS}d}"
        key = self._entry(purpose, phone)
        self.store.put(key, self._mac(purpose, phone, code), CODE_TTL)
        self.store.delete(key + ":tries")
        return code

    def verify(self, purpose: CodePurpose, phone: str, code: str) -> CodeCheck:
        """OK uses the code up; each other answer counts one try (malformed input too)."""
        key = self._entry(purpose, phone)
        if self.store.get(key) is None:
            return CodeCheck.VOID
        tries = self.store.incr(key + ":tries", CODE_TTL)  # atomic: concurrent guesses count
        if tries > MAX_TRIES:
            self.store.delete(key)
            return CodeCheck.VOID
        expected = self._mac(purpose, phone, code.strip())
        stored = self.store.get(key)
        if stored is None or not hmac.compare_digest(stored, expected):
            if tries >= MAX_TRIES:
                self.store.delete(key)
                return CodeCheck.VOID
            return CodeCheck.WRONG
        # Of two requests with the right code only the one whose take finds it succeeds.
        taken = self.store.take(key)
        return CodeCheck.OK if taken and hmac.compare_digest(taken, expected) else CodeCheck.VOID

    def phone_tag(self, phone: str) -> str:
        """The phone's digest in Store keys (here and in the send limits)."""
        return self._digest(b"phone", phone)[:32]

    def _entry(self, purpose: CodePurpose, phone: str) -> str:
        return f"otc:{purpose}:{self.phone_tag(phone)}"

    def _mac(self, purpose: CodePurpose, phone: str, code: str) -> str:
        return self._digest(f"code\x00{purpose}\x00{phone}".encode(), code)

    def _digest(self, label: bytes, value: str) -> str:
        message = label + b"\x00" + value.encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()
