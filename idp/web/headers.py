"""Security headers on every response (RFC 9700 §4.16: no framing, no referrer leaks)."""

from flask import Flask, Response

_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Pages load nothing from third parties; forms post only to us (or to a registered
    # redirect URI for form_post, whose pages set their own policy).
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self'; frame-ancestors 'none'; base-uri 'none'",
}


def _apply(response: Response) -> Response:
    for name, value in _HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_apply)
