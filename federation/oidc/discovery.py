"""An upstream's discovery document and JWKS, fetched with a bounded timeout and kept for a
while per process (every login would otherwise cost two more round trips to the upstream).

A JWKS is fetched again when an ID token names a ``kid`` it does not hold (the upstream rotated
its keys), at most once a minute, so a token with a made-up ``kid`` cannot make us hammer it.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from joserfc.jwk import KeySet

from federation.contract import SourceRefused
from federation.upstream_http import get_json

DISCOVERY_SECONDS = 300
JWKS_SECONDS = 300
REFETCH_AFTER = 60  # the least time between two fetches of one JWKS

_lock = threading.Lock()
_documents: dict[str, tuple[float, dict[str, Any]]] = {}
_jwks: dict[str, tuple[float, KeySet]] = {}


def discover(issuer: str, *, timeout: float) -> dict[str, Any]:
    """The issuer's OpenID Provider Metadata, checked to name this very issuer (OIDC
    Discovery 1.0 §4.3: a document for another issuer is refused)."""
    now = time.monotonic()
    with _lock:
        kept = _documents.get(issuer)
    if kept and now - kept[0] < DISCOVERY_SECONDS:
        return kept[1]
    document = get_json(issuer.rstrip("/") + "/.well-known/openid-configuration",
                        timeout=timeout)
    if document.get("issuer") != issuer:
        raise SourceRefused("身份提供方配置有误。",
                            f"discovery names issuer {document.get('issuer')!r}")
    for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(document.get(field), str):
            raise SourceRefused("身份提供方配置有误。", f"discovery lacks {field}")
    with _lock:
        _documents[issuer] = (now, document)
    return document


def key_set(jwks_uri: str, *, timeout: float, kid: str | None = None) -> KeySet:
    """The upstream's signing keys; fetched again when ``kid`` is not among them."""
    now = time.monotonic()
    with _lock:
        kept = _jwks.get(jwks_uri)
    if kept and now - kept[0] < JWKS_SECONDS and (
            kid is None or _holds(kept[1], kid) or now - kept[0] < REFETCH_AFTER):
        return kept[1]
    keys = KeySet.import_key_set(get_json(jwks_uri, timeout=timeout))  # type: ignore[arg-type]
    with _lock:
        _jwks[jwks_uri] = (now, keys)
    return keys


def _holds(keys: KeySet, kid: str) -> bool:
    return any(key.kid == kid for key in keys.keys)


def forget(issuer: str | None = None) -> None:
    """Drop what was kept (tests; an operator changing an upstream's endpoints)."""
    with _lock:
        if issuer is None:
            _documents.clear()
            _jwks.clear()
        else:
            _documents.pop(issuer, None)
