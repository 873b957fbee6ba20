"""The HTTP-Redirect binding (SAML Bindings §3.4.4.1) for our outbound requests: DEFLATE,
base64, and an RSA-SHA256 signature over the query as sent, made in process with our SAML key
(pysaml2 would write the key to a file and run xmlsec1 for it)."""

from __future__ import annotations

import base64
import zlib
from urllib.parse import quote_plus

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"


def signed_url(endpoint: str, field: str, xml: bytes, relay_state: str | None, key) -> str:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = compressor.compress(xml) + compressor.flush()
    query = f"{field}={quote_plus(base64.b64encode(deflated).decode())}"
    if relay_state:
        query += f"&RelayState={quote_plus(relay_state)}"
    query += f"&SigAlg={quote_plus(RSA_SHA256)}"
    signature = key.sign(query.encode(), padding.PKCS1v15(), hashes.SHA256())
    query += f"&Signature={quote_plus(base64.b64encode(signature).decode())}"
    return endpoint + ("&" if "?" in endpoint else "?") + query
