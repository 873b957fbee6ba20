"""Check digits of Chinese identifiers: the resident ID number (GB 11643-1999) and the unified
social credit code (GB 32100-2015).

Both validators return the normalised form or raise ``IdentifierError`` whose ``reason`` says
exactly which rule failed, with a message in Chinese and English.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

# China Standard Time: "today" for a birth date is the citizen's today, not UTC's.
CST = timezone(timedelta(hours=8))

# GB 11643-1999 §8.2 (ISO 7064 MOD 11-2): weight of position i is 2^(17-i) mod 11.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# ASCII digits: `\d` also matches '٣' and '３', which int() reads as 3.
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")

# GB 32100-2015 §4.3 and Annex B: 31 characters (no I O Z S V), weights 3^(i-1) mod 31.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class IdentifierError(ValueError):
    """An identifier broke one rule; ``reason`` is stable, the messages are for people."""

    def __init__(self, reason: str, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.reason = reason
        self.zh = zh
        self.en = en

    @property
    def description(self) -> str:
        return f"{self.zh} / {self.en}"


def id_number_check_char(first17: str) -> str:
    """The GB 11643 check character for 17 digits."""
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def normalise_id_number(value: str, today: date | None = None) -> str:
    """The ID number with a lowercase x made X, or IdentifierError naming the broken rule."""
    number = value.strip().upper()
    if len(number) != 18:
        raise IdentifierError(
            "length", "身份证号码应为18位", "A resident ID number has 18 characters"
        )
    if not _ID_SHAPE.fullmatch(number):
        raise IdentifierError(
            "characters",
            "身份证号码前17位应为数字，最后一位为数字或X",
            "The first 17 characters must be digits and the last a digit or X",
        )
    if id_number_check_char(number[:17]) != number[17]:
        raise IdentifierError(
            "check_digit", "身份证号码校验码错误", "The ID number's check character is wrong"
        )
    born = _birth_date(number)
    if born > (today or datetime.now(CST).date()):
        raise IdentifierError(
            "future_birth_date", "身份证号码中的出生日期晚于今天", "The birth date is in the future"
        )
    if born.year < 1900:
        raise IdentifierError(
            "birth_date_before_1900",
            "身份证号码中的出生日期早于1900年",
            "The birth date is before 1900",
        )
    return number


def _birth_date(number: str) -> date:
    # GB 11643 §6.2: characters 7-14 are the birth date YYYYMMDD.
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdentifierError(
            "birth_date",
            "身份证号码中的出生日期不是有效日期",
            "The birth date (characters 7-14) is not a real date",
        ) from None


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character for 17 characters of the code alphabet."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalise_credit_code(value: str) -> str:
    """The credit code in capitals, or IdentifierError naming the broken rule."""
    code = value.strip().upper()
    if len(code) != 18:
        raise IdentifierError(
            "length",
            "统一社会信用代码应为18位",
            "A unified social credit code has 18 characters",
        )
    if any(c not in USCC_ALPHABET for c in code):
        raise IdentifierError(
            "characters",
            "统一社会信用代码只能包含数字和除I、O、Z、S、V以外的大写字母",
            "A credit code holds only digits and capital letters other than I, O, Z, S, V",
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise IdentifierError(
            "check_digit",
            "统一社会信用代码校验码错误",
            "The credit code's check character is wrong",
        )
    return code
