"""Which URIs a client may register: redirect URIs, logout URIs, informative URIs.

Each check returns None when the URI is acceptable, otherwise a public reason.
"""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit

from clients.redirect_uris import is_loopback_host

MAX_URI = 2000
# Schemes that would run code or read local files in the browser, never a redirect target.
FORBIDDEN_SCHEMES = frozenset({"javascript", "data", "file", "vbscript", "about", "blob"})


def _split(uri: object) -> SplitResult | str:
    if not isinstance(uri, str) or not uri.strip() or uri != uri.strip():
        return "must be a non-empty string without surrounding spaces"
    if len(uri) > MAX_URI:
        return f"is longer than {MAX_URI} characters"
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return "is not a valid URI"
    return parts


def redirect_uri_problem(uri: object, application_type: str) -> str | None:
    """OIDC Registration §2 and RFC 8252 §7: the redirect URI rules per application type."""
    parts = _split(uri)
    if isinstance(parts, str):
        return parts
    scheme = parts.scheme.lower()
    if not scheme:
        return "must be an absolute URI"  # RFC 6749 §3.1.2
    # RFC 6749 §3.1.2: "The endpoint URI MUST NOT include a fragment component."
    if parts.fragment or "#" in uri:
        return "must not contain a fragment"
    if scheme in FORBIDDEN_SCHEMES:
        return f"must not use the {scheme}: scheme"
    if scheme in ("http", "https"):
        if not parts.hostname:
            return "must name a host"
        if scheme == "http" and not is_loopback_host(parts.hostname):
            # RFC 9700 §2.1 / OIDC Registration §2: web clients use https; plain http is only
            # for the loopback interface (development and native apps, RFC 8252 §7.3).
            return "must use https (http only on localhost or 127.0.0.1)"
        return None
    if application_type != "native":
        return "custom URI schemes are only for native applications"
    # RFC 8252 §7.1: a private-use scheme is a reverse domain name such as com.example.app.
    if "." not in scheme:
        return "a private-use scheme must be a reverse domain name (e.g. com.example.app)"
    return None


def web_uri_problem(uri: object, *, allow_query: bool = True) -> str | None:
    """A URI the IdP itself calls or links to: absolute http(s), no fragment."""
    parts = _split(uri)
    if isinstance(parts, str):
        return parts
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an absolute http(s) URI"
    if parts.fragment or "#" in uri:
        return "must not contain a fragment"
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        return "must use https (http only on localhost or 127.0.0.1)"
    if not allow_query and parts.query:
        return "must not contain a query"
    return None


def origin(uri: str) -> tuple[str, str, int | None]:
    parts = urlsplit(uri)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or ""), port


def host(uri: str) -> str:
    return urlsplit(uri).hostname or ""
