"""Redirect URI matching at the authorization endpoint.

RFC 9700 §4.1.3 / OAuth 2.1: exact string comparison, no wildcards. The one exception is
RFC 8252 §7.3: a native app's loopback IP redirect URI matches on any port, because the app
picks an ephemeral port at run time.
"""

from __future__ import annotations

from urllib.parse import urlsplit

# RFC 8252 §8.3: loopback IP literals; "localhost" is NOT RECOMMENDED and gets no exception.
LOOPBACK_IPS = frozenset({"127.0.0.1", "::1"})


def is_loopback_host(host: str | None) -> bool:
    return (host or "") in LOOPBACK_IPS or host == "localhost"


def _without_port(uri: str) -> tuple[str, str, str, str, str] | None:
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return None
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_IPS:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return parts.scheme, host, parts.path, parts.query, parts.fragment


def redirect_uri_matches(registered: list[str], uri: str, *, loopback_any_port: bool) -> bool:
    """True when uri is one of registered (exactly, or per RFC 8252 §7.3 when allowed)."""
    if uri in registered:
        return True
    if not loopback_any_port:
        return False
    wanted = _without_port(uri)
    return wanted is not None and any(_without_port(r) == wanted for r in registered)
