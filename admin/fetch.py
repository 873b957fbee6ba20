"""Fetching SP metadata from a URL for the console: http(s) only, bounded size and time.

Redirects are followed only to http(s) (urllib's default handler already refuses other
schemes); the body is cut off past the metadata parser's own limit.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlsplit

from admin.errors import AdminError
from idp.saml.xml import MAX_METADATA_BYTES

TIMEOUT_SECONDS = 5


def fetch_metadata(url: str, *, limit: int = MAX_METADATA_BYTES) -> bytes:
    """The document at url; AdminError ``fetch_failed`` on any problem (message says which)."""
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AdminError("fetch_failed", "元数据地址必须是 http(s) URL / the metadata URL "
                         "must be an http(s) URL")
    # The scheme was checked just above: only http(s) reaches urlopen.
    request = urllib.request.Request(  # noqa: S310
        parts.geturl(), headers={"Accept": "application/xml"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(limit + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise AdminError("fetch_failed", f"无法获取元数据 / fetch failed: {_why(exc)}") from exc
    if len(body) > limit:
        raise AdminError("fetch_failed", f"元数据过大 / metadata larger than {limit} bytes")
    return body


def _why(exc: Exception) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}"
    return type(getattr(exc, "reason", exc)).__name__
