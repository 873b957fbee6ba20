"""Discovery and JWKS answered from prepared bytes, in front of Flask.

Relying parties and libraries fetch ``/.well-known/openid-configuration`` and ``/jwks`` far
more often than anything else, and both are public documents that change only with the
settings (discovery) or a key rotation (JWKS). This WSGI middleware answers a plain GET or
HEAD of either from bytes and headers prepared once: no request context, no session, no CSRF
check, no template. A strong ``ETag`` (a digest of the bytes, the same on every node) lets a
client revalidate with ``If-None-Match`` and get a bodiless 304.

What it does not answer goes to Flask unchanged: other methods (405 there), a query string
(the input guard checks it there), and any failure to prepare the JWKS (a database outage
before any key was cached: Flask's error handlers answer 503).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from idp.oidc.provider_metadata import metadata
from idp.web.headers import security_headers

if TYPE_CHECKING:
    from idp.services import Services

DISCOVERY_PATH = "/.well-known/openid-configuration"
JWKS_PATH = "/jwks"
DISCOVERY_MAX_AGE = 300  # seconds: the document changes only when the IdP is reconfigured


def etag_of(body: bytes) -> str:
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 §13.1.2: If-None-Match compares weakly, and ``*`` matches any current body."""
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))


def discovery_document(services: Services) -> bytes:
    return json.dumps(metadata(services.settings), separators=(",", ":")).encode()


def document_headers(services: Services, max_age: int, etag: str) -> list[tuple[str, str]]:
    """Every header of a 200 or 304 for one of these documents, but Content-Type/Length."""
    return [
        ("Cache-Control", f"public, max-age={max_age}"),
        ("ETag", etag),
        # Public documents: browser-based relying parties may fetch them from any origin.
        ("Access-Control-Allow-Origin", "*"),
        *security_headers(services.settings.issuer).items(),
    ]


class _Prepared:
    """One document's body and its two answers' header lists, made once."""

    def __init__(self, services: Services, body: bytes, etag: str, max_age: int) -> None:
        self.body, self.etag = body, etag
        common = document_headers(services, max_age, etag)
        self.ok = [("Content-Type", "application/json"),
                   ("Content-Length", str(len(body))), *common]
        self.not_modified = common


class PreparedDocuments:
    """WSGI middleware: discovery and JWKS from bytes; everything else to ``app``."""

    def __init__(self, app: Callable, services: Services) -> None:
        self.app, self.services = app, services
        body = discovery_document(services)
        self._discovery = _Prepared(services, body, etag_of(body), DISCOVERY_MAX_AGE)
        self._jwks: _Prepared | None = None

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if (path != DISCOVERY_PATH and path != JWKS_PATH) or environ.get("QUERY_STRING") \
                or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self.app(environ, start_response)
        if path == DISCOVERY_PATH:
            document = self._discovery
        else:
            try:
                document = self._jwks_prepared()
            except Exception:  # noqa: BLE001 - Flask answers it: 503 on an outage, logged
                return self.app(environ, start_response)
        if matches(environ.get("HTTP_IF_NONE_MATCH", ""), document.etag):
            start_response("304 Not Modified", list(document.not_modified))
            return [b""]
        start_response("200 OK", list(document.ok))
        return [b"" if environ["REQUEST_METHOD"] == "HEAD" else document.body]

    def _jwks_prepared(self) -> _Prepared:
        keys = self.services.signing_keys
        body, etag = keys.jwks_document()
        prepared = self._jwks
        if prepared is None or prepared.etag != etag:
            prepared = self._jwks = _Prepared(self.services, body, etag, keys.jwks_max_age)
        return prepared
