"""Strict parsers for values that arrive as text: one integer parser for every parameter.

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


class InvalidInteger(ValueError):
    """Not a decimal integer in the allowed range; the message says why and is safe to show."""


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
