"""``sector_identifier_uri`` (OIDC Registration §5): a JSON array of the client's redirect URIs,
fetched at registration, whose host becomes the pairwise sector identifier (OIDC Core §8.1).
"""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import urlsplit

from clients.errors import InvalidClientMetadata
from clients.redirect_uris import is_loopback_host

MAX_BYTES = 64 * 1024
TIMEOUT = 5


def fetch_sector_uris(uri: str) -> list[str]:
    """The URI list published at uri; InvalidClientMetadata when it cannot be read."""
    parts = urlsplit(uri)
    # OIDC Registration §2: the value MUST use https (http allowed on loopback for tests/dev).
    loopback_http = parts.scheme == "http" and is_loopback_host(parts.hostname)
    if parts.scheme != "https" and not loopback_http:
        raise InvalidClientMetadata("sector_identifier_uri must use https")
    try:
        with urllib.request.urlopen(uri, timeout=TIMEOUT) as response:  # noqa: S310 - http(s) only
            body = response.read(MAX_BYTES + 1)
    except (OSError, ValueError) as exc:
        raise InvalidClientMetadata(f"sector_identifier_uri could not be fetched ({exc})") from exc
    if len(body) > MAX_BYTES:
        raise InvalidClientMetadata("sector_identifier_uri document is too large")
    try:
        uris = json.loads(body)
    except ValueError as exc:
        raise InvalidClientMetadata("sector_identifier_uri must return a JSON array") from exc
    if not isinstance(uris, list) or not all(isinstance(u, str) for u in uris):
        raise InvalidClientMetadata("sector_identifier_uri must return a JSON array of URIs")
    return uris
