"""Our own JWTs as compact JWS (RFC 7515 §7.1), signed without joserfc's per-call machinery.

joserfc checks the header against its registry, converts the claims and builds objects on
every call: ~40 µs of CPU around ES256's own ~30 µs signature, on every access token (py-spy on
/token). What we sign is ours: a header fixed per (alg, kid, extra members) and claims we built
as plain JSON. So the header segment is encoded once, the claims with orjson, and only the
signature is computed here. Verification stays with joserfc (``keys.verification``); the tests
check that it accepts these tokens. Algorithms not listed fall back to joserfc.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

import orjson
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature


def _es256(key, data: bytes) -> bytes:
    # RFC 7518 §3.4: R and S as 32-byte big-endian integers, not DER.
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def _rs256(key, data: bytes) -> bytes:
    return key.sign(data, padding.PKCS1v15(), hashes.SHA256())  # RFC 7518 §3.3


def _eddsa(key, data: bytes) -> bytes:
    return key.sign(data)  # RFC 8037 §3.1: Ed25519, the signature as is


SIGNERS: dict[str, Callable[[object, bytes], bytes]] = {
    "ES256": _es256, "RS256": _rs256, "EdDSA": _eddsa,
}


def b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


class CompactSigner:
    """Signs with one private key (cryptography's object) under one kid."""

    def __init__(self, alg: str, kid: str, private_key) -> None:
        self.alg, self.kid, self._key, self._sign = alg, kid, private_key, SIGNERS[alg]
        self._headers: dict[tuple, bytes] = {}  # encoded header segments by extra members

    def sign(self, claims: dict, header: dict | None = None) -> str:
        extra = tuple(sorted((header or {}).items()))
        segment = self._headers.get(extra)
        if segment is None:
            segment = self._headers[extra] = b64(orjson.dumps(
                {**dict(extra), "alg": self.alg, "kid": self.kid}))
        signing_input = segment + b"." + b64(orjson.dumps(claims))
        return (signing_input + b"." + b64(self._sign(self._key, signing_input))).decode()
