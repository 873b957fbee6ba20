"""The device cookie: a random id that lets a login tell a known browser from a new one
(``idp.authn.known_devices``). It names no account and opens nothing; it only lives long.

HttpOnly and SameSite=Lax like the SSO cookie, Secure on https issuers; 400 days, the longest
a browser keeps a cookie (RFC 6265bis §5.5), set again at each login.
"""

from __future__ import annotations

from flask import Response, request

from idp.authn.known_devices import is_device_id, new_device_id
from idp.services import services

DEVICE_COOKIE = "yiwang_device"
DEVICE_COOKIE_SECONDS = 400 * 24 * 3600


def device_id() -> str:
    """This browser's device id, or a new one when it brought none (or a malformed one)."""
    value = request.cookies.get(DEVICE_COOKIE)
    return value if is_device_id(value) else new_device_id()


def set_device_cookie(response: Response, value: str) -> None:
    response.set_cookie(
        DEVICE_COOKIE, value, max_age=DEVICE_COOKIE_SECONDS, path="/", httponly=True,
        samesite="Lax", secure=services().settings.secure_cookies,
    )
