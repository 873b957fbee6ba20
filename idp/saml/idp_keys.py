"""The IdP's signing key and certificates (from ``keys``), with the signer built once per key."""

from __future__ import annotations

import threading

from idp.saml.signatures import Signer
from idp.services import Services

_lock = threading.Lock()
_signers: dict[int, Signer] = {}


def signer(services: Services) -> Signer:
    """A Signer for the current SAML key; rebuilt only when ``keys`` rotates to a new one."""
    key, cert = services.signing_keys.saml_signing()
    found = _signers.get(id(key))
    if found is None or found.key is not key or found.cert_pem != cert:
        with _lock:
            found = _signers[id(key)] = Signer(key, cert)
            if len(_signers) > 8:  # old keys after rotations
                _signers.pop(next(iter(_signers)))
    return found


def certificates(services: Services) -> list[str]:
    return services.signing_keys.saml_certificates()
