"""User codes (RFC 8628 §6.1): eight letters from a set without look-alikes, shown as
XXXX-XXXX, read back whatever the case and with or without the dash or spaces."""

from __future__ import annotations

import secrets

# RFC 8628 §6.1: consonants only (no vowels, so no words; no 0/O or 1/I to confuse).
ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
LENGTH = 8  # 20^8 ≈ 2.6e10 codes; wrong entries are limited (entry_limits)


def new_user_code() -> str:
    """A fresh code in its normal form (eight letters, no dash)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def shown(code: str) -> str:
    """How a code is displayed: two groups of four."""
    return f"{code[:4]}-{code[4:]}"


def normalised(entered: str | None) -> str | None:
    """The code a person typed in its normal form, or None when it cannot be one (so it is
    never looked up). Case, dashes and spaces do not matter."""
    if not entered:
        return None
    letters = "".join(ch for ch in entered[:32].upper() if ch not in "- \t")
    if len(letters) != LENGTH or any(ch not in ALPHABET for ch in letters):
        return None
    return letters
