"""Password policies per account class.

Citizens: NIST SP 800-63B §5.1.1.2 — at least 8 characters, at least 64 allowed (we take 128),
no composition rules, no common or breached passwords, nothing derived from the username.
Administrators: GB/T 22239-2019 level 3 (等保三级) §8.1.4.1 a) "口令具有复杂度要求" — at least
12 characters drawn from at least 3 of 4 character classes, plus the same list checks.
"""

from __future__ import annotations

import gzip
import unicodedata
from functools import cache
from pathlib import Path

from idp.accounts.enums import AccountClass
from idp.settings import Settings

MAX_LENGTH = 128
# Shorter usernames ("li") would forbid too many passwords to be a useful rule.
MIN_USERNAME_TO_MATCH = 3
ADMIN_CLASSES_REQUIRED = 3
COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common-passwords.txt.gz"


class WeakPassword(ValueError):
    """The password breaks one rule; ``reason`` is stable, ``description`` is for people."""

    def __init__(self, reason: str, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.reason = reason
        self.description = f"{zh} / {en}"


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list (Django's, see data/NOTICE), lower-cased, read once on first use."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def check_password(
    password: str, *, account_class: AccountClass, username: str, settings: Settings
) -> None:
    """Raise WeakPassword naming the first rule the password breaks; return when it is fine."""
    password = unicodedata.normalize("NFKC", password)
    minimum = (
        settings.admin_password_min
        if account_class is AccountClass.ADMIN
        else settings.person_password_min
    )
    if len(password) < minimum:
        raise WeakPassword(
            "too_short", f"密码至少需要{minimum}个字符", f"Use at least {minimum} characters"
        )
    if len(password) > MAX_LENGTH:
        raise WeakPassword(
            "too_long", f"密码不能超过{MAX_LENGTH}个字符", f"Use at most {MAX_LENGTH} characters"
        )
    if account_class is AccountClass.ADMIN and _classes(password) < ADMIN_CLASSES_REQUIRED:
        raise WeakPassword(
            "too_simple",
            "管理员密码需包含大写字母、小写字母、数字、符号中的至少三类",
            "An administrator password needs 3 of: capitals, small letters, digits, symbols",
        )
    name = username.strip().lower()
    if len(name) >= MIN_USERNAME_TO_MATCH and name in password.lower():
        raise WeakPassword(
            "contains_username", "密码不能包含用户名", "The password must not contain the username"
        )
    if password.lower() in common_passwords():
        raise WeakPassword(
            "common",
            "该密码过于常见或已泄露，请换一个",
            "This password is too common or known from breaches; choose another",
        )


def _classes(password: str) -> int:
    kinds = [
        any(c.isupper() for c in password),
        any(c.islower() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(kinds)
