"""Security headers on every response (RFC 9700 §4.16: no framing, no referrer leaks).

An https issuer also sends HSTS on every response (RFC 6797 §8.1; RFC 9700 §4.16 and the
MLPS level 3 transport rules): browsers then refuse to reach us over plain http at all, so a
stripped first request cannot expose the SSO cookie or a code. An http issuer (development)
sends none: RFC 6797 §7.2 has browsers ignore it there anyway.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import Flask, Response

HSTS = "max-age=31536000; includeSubDomains"
_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Pages load nothing from third parties; forms post only to us (or to a registered
    # redirect URI for form_post, whose pages set their own policy).
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self'; frame-ancestors 'none'; base-uri 'none'",
}


def _apply(response: Response, headers: dict[str, str]) -> Response:
    # One pass over the few headers already set: werkzeug's setdefault raises and catches an
    # HTTPException-based KeyError for each header it does not find (~5 us each, on every
    # response).
    present = {name.lower() for name, _ in response.headers}
    for name, value in headers.items():
        if name.lower() not in present:  # the names are few and short: cheaper than a cache
            response.headers.add(name, value)
    if "cache-control" not in present and response.mimetype == "text/html":
        response.headers.add("Cache-Control", "no-store")
    return response


def allow_frames(response: Response, urls: Iterable[str]) -> Response:
    """This response only may frame ``urls``' origins: the logout pages' front-channel
    iframes. Scripts stay ``'self'`` (a static file of ours, no inline script)."""
    origins = " ".join(sorted({o for o in map(_origin, urls) if o}))
    response.headers["Content-Security-Policy"] = (
        f"default-src 'self'; frame-src 'self' {origins}; img-src 'self' data:; "
        "style-src 'self'; frame-ancestors 'none'; base-uri 'none'")
    return response


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def security_headers(issuer: str) -> dict[str, str]:
    """The headers every response carries (for middleware that answers before Flask)."""
    headers = dict(_HEADERS)
    if issuer.startswith("https://"):
        headers["Strict-Transport-Security"] = HSTS
    return headers


def init_app(app: Flask) -> None:
    headers = security_headers(app.extensions["yiwang"].settings.issuer)
    app.after_request(lambda response: _apply(response, headers))
