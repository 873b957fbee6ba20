"""The public keys of ``private_key_jwt`` clients that registered a ``jwks_uri``.

OIDC Core §10.1.1 / RFC 7591 §2: the client publishes its keys at ``jwks_uri`` and may rotate
them there. We fetch the set over http(s) (registration allows http only on loopback), keep
it per process for ``TTL`` seconds, and fetch again at most once per ``REFETCH_EVERY``
seconds when an assertion names a ``kid`` we do not hold (the client has just rotated). A
document that is too big, slow, not a JWK Set or holds private or symmetric keys is refused:
the client authentication then fails with ``invalid_client``.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from dataclasses import dataclass

from joserfc.errors import JoseError
from joserfc.jwk import KeySet

TTL = 300.0
REFETCH_EVERY = 10.0
MAX_BYTES = 64 * 1024
MAX_CLIENTS = 10_000


class JwksFetchError(Exception):
    """The client's JWKS could not be fetched or read (detail for the log only)."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect could point the IdP at a host the registration never vetted.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise JwksFetchError(f"jwks_uri answered a redirect ({code})")


_OPENER = urllib.request.build_opener(_NoRedirect)


@dataclass(frozen=True)
class _Entry:
    uri: str
    keys: KeySet
    kids: frozenset[str]
    fetched_at: float
    refetched_at: float = float("-inf")  # when an unknown kid last caused a fetch


class ClientJwksCache:
    """Per-process cache of fetched client key sets, keyed by client id."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def keys_for(self, client_id: str, uri: str, kid: str | None) -> KeySet:
        """The client's key set, fetched when missing or stale, and fetched again when it
        lacks ``kid`` unless an unknown kid already caused a fetch within REFETCH_EVERY."""
        now = time.monotonic()
        entry = self._entries.get(client_id)
        fresh = entry is not None and entry.uri == uri and now - entry.fetched_at < TTL
        if fresh and (kid is None or kid in entry.kids):
            return entry.keys
        refetch = fresh
        if refetch and now - entry.refetched_at < REFETCH_EVERY:
            return entry.keys  # no refetch storm from assertions with made-up kids
        keys = fetch(uri, self.timeout)
        kids = frozenset(k.kid for k in keys.keys if k.kid)
        with self._lock:
            if len(self._entries) >= MAX_CLIENTS:
                self._entries.clear()
            self._entries[client_id] = _Entry(uri, keys, kids, now,
                                              now if refetch else float("-inf"))
        return keys

    def forget(self, client_id: str) -> None:
        self._entries.pop(client_id, None)


def fetch(uri: str, timeout: float) -> KeySet:
    """GET the JWK Set at ``uri``; only public asymmetric keys are accepted."""
    if not uri.startswith(("https://", "http://")):
        raise JwksFetchError("jwks_uri is not http(s)")
    request = urllib.request.Request(uri, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            body = response.read(MAX_BYTES + 1)
    except OSError as exc:  # URLError, HTTPError, timeouts, refused connections
        raise JwksFetchError(f"jwks_uri unreachable: {exc}") from exc
    if len(body) > MAX_BYTES:
        raise JwksFetchError("jwks_uri document is larger than 64 KiB")
    try:
        document = json.loads(body)
        keys = document["keys"]
        if not isinstance(keys, list) or not keys or len(keys) > 20:
            raise ValueError("a JWK Set holds between 1 and 20 keys")
        if any(not isinstance(k, dict) or k.get("kty") not in ("RSA", "EC", "OKP")
               or "d" in k for k in keys):
            raise ValueError("only public asymmetric keys")
        return KeySet.import_key_set({"keys": keys})
    except (ValueError, KeyError, TypeError, JoseError) as exc:
        raise JwksFetchError(f"jwks_uri is not a public JWK Set: {exc}") from exc
