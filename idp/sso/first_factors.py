"""The first factors a login may start with, and which one a session's ``amr`` shows.

A relying party lists the first factors it accepts (``first_factors`` on an OIDC client or a
SAML SP; every one by default). The login page offers only those for its pending request, a
login step refuses one the request does not allow, and a live session made with another one
does not answer that relying party without a new login (``idp.sso.policy``).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class FirstFactor(StrEnum):
    PASSWORD = "password"  # noqa: S105 - a factor's name: username (or phone) + password
    SMS = "sms"  # a one-time code sent to the account's verified phone (短信验证码登录)
    PASSKEY = "passkey"  # a discoverable WebAuthn credential with user verification
    SCAN = "scan"  # the QR code on the page confirmed in the provincial app (扫码登录)
    # An upstream identity provider (issue 15: federation/upstream_login.py), amr "fed".
    UPSTREAM = "upstream"


ALL_FIRST_FACTORS: tuple[str, ...] = tuple(f.value for f in FirstFactor)
PASSKEY_METHODS = frozenset({"hwk", "swk"})  # RFC 8176: what a passkey's use shows in amr

# RFC 8176 amr values -> the first factor they show, most specific first. "mca" (multiple-
# channel authentication) is the scan: the app's session, confirmed on a second channel.
_AMR_FIRST_FACTOR = (
    ("fed", FirstFactor.UPSTREAM),
    ("mca", FirstFactor.SCAN),
    ("pwd", FirstFactor.PASSWORD),
    ("hwk", FirstFactor.PASSKEY),
    ("swk", FirstFactor.PASSKEY),
    ("sms", FirstFactor.SMS),
)


def first_factor_of(amr: Iterable[str]) -> FirstFactor | None:
    """The first factor a session's ``amr`` shows; None when it shows none we know: such a
    session is not refused for its first factor. A sign-up (sms + pwd) counts as a password
    login; a login through an upstream ("fed", whatever methods the upstream used) as
    ``upstream``."""
    methods = set(amr)
    return next((factor for value, factor in _AMR_FIRST_FACTOR if value in methods), None)
