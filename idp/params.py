"""Strict parsers for values that arrive as text: one integer parser for every parameter, and
the one rule for what text a request may carry at all.

``str.isdigit()`` is true for '²' and '٣', and ``int()`` of a 5,000-digit string costs time and
then raises; every integer a request carries (``max_age``, ``AssertionConsumerServiceIndex``,
``limit`` ...) goes through :func:`parse_int` instead. Pure: no Flask, no database, so registries,
protocol code and the admin console can all use it.
"""

from __future__ import annotations

import re

# ASCII digits only: `\d` in Python matches every Unicode decimal digit, so spell the class out.
_DIGITS = re.compile(r"[0-9]+")
DEFAULT_MAX_DIGITS = 18
# C0 controls but TAB, LF and CR (free text may hold those), and UTF-16 surrogates, which are
# never text on their own (a lone one cannot even be encoded as UTF-8). NUL is always among them:
# PostgreSQL refuses it in any text value.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


class InvalidParameter(ValueError):
    """A request value broke a rule; the message says which and is safe to show."""


class InvalidInteger(InvalidParameter):
    """Not a decimal integer in the allowed range; the message says why and is safe to show."""


class InvalidText(InvalidParameter):
    """Not text a request may carry: invalid UTF-8, a control character or a surrogate."""


def parse_int(
    text: object, *, minimum: int, maximum: int, max_digits: int = DEFAULT_MAX_DIGITS
) -> int:
    """Parse ``text`` as a non-negative decimal written in ASCII digits, within [minimum, maximum].

    No sign, no spaces, no underscores, no non-ASCII digits, at most ``max_digits`` characters
    (checked before conversion, so a huge string costs nothing). Anything else, including a
    value that is not a ``str``, raises :class:`InvalidInteger`.
    """
    if not isinstance(text, str):
        raise InvalidInteger("must be a string of digits")
    if not text:
        raise InvalidInteger("must not be empty")
    if len(text) > max_digits:
        raise InvalidInteger(f"must have at most {max_digits} digits")
    if not _DIGITS.fullmatch(text):
        raise InvalidInteger("must contain only the digits 0-9")
    value = int(text)
    if not minimum <= value <= maximum:
        raise InvalidInteger(f"must be between {minimum} and {maximum}")
    return value


def is_digits(text: object, length: int) -> bool:
    """True when text is exactly ``length`` ASCII digits (a one-time code, not a number)."""
    return isinstance(text, str) and len(text) == length and bool(_DIGITS.fullmatch(text))


def check_text(text: str) -> str:
    """text itself, or InvalidText when it holds a C0 control other than TAB, LF and CR (NUL
    among them) or a surrogate code point."""
    found = _FORBIDDEN.search(text)
    if found is not None:
        raise InvalidText(f"must not contain the character U+{ord(found.group()):04X}")
    return text


def decode_text(raw: bytes) -> str:
    """raw as strict UTF-8 text that passes :func:`check_text`, else InvalidText."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidText("must be UTF-8") from exc
    return check_text(text)
