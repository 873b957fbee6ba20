"""Normalising what people type into account fields; each failure is an AccountError."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from idp.accounts.errors import AccountError
from idp.accounts.identity_numbers import (
    IdentifierError,
    normalise_credit_code,
    normalise_id_number,
)

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
# Mainland mobile numbers: 1, then 3-9, then 9 digits (MIIT numbering plan).
_PHONE = re.compile(r"1[3-9][0-9]{9}")  # ASCII: `\d` also matches "٣"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
# OIDC Core §5.1.1 address claim members.
ADDRESS_KEYS = frozenset(
    {"formatted", "street_address", "locality", "region", "postal_code", "country"}
)


def username(value: str) -> str:
    name = value.strip().lower()
    if not _USERNAME.fullmatch(name):
        raise AccountError("invalid_username")
    return name


def person_name(value: str, limit: int = 64) -> str:
    name = value.strip()
    # Control characters are never part of a name (and XML, so SAML, cannot carry them).
    if not name or len(name) > limit or any(unicodedata.category(ch) in ("Cc", "Cs")
                                            for ch in name):
        raise AccountError("invalid_name")
    return name


def id_number(value: str) -> str:
    try:
        return normalise_id_number(value)
    except IdentifierError as error:
        raise AccountError("invalid_id_number", error.description, error.reason) from None


def credit_code(value: str) -> str:
    try:
        return normalise_credit_code(value)
    except IdentifierError as error:
        raise AccountError("invalid_credit_code", error.description, error.reason) from None


def phone(value: str) -> str:
    number = re.sub(r"[\s-]", "", value)
    number = number.removeprefix("+86")
    if not _PHONE.fullmatch(number):
        raise AccountError("invalid_phone")
    return number


def email(value: str) -> str:
    address = value.strip()
    if len(address) > 254 or not _EMAIL.fullmatch(address):
        raise AccountError("invalid_email")
    local, domain = address.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def address(value: dict[str, Any]) -> dict[str, str]:
    if (
        not isinstance(value, dict)
        or not value
        or not set(value) <= ADDRESS_KEYS
        or not all(isinstance(v, str) and 0 < len(v) <= 512 for v in value.values())
    ):
        raise AccountError("invalid_address")
    return dict(value)


def level(value: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value not in (1, 2, 3):
        raise AccountError("invalid_level")
    return value
