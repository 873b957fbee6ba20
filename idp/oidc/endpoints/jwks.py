"""``GET /jwks``: the JWK Set relying parties verify our tokens with (OIDC discovery jwks_uri),
from the key store (``keys/``).

Cache-Control max-age (IDP_JWKS_MAX_AGE_SECONDS, 300 s) must stay shorter than the time a
``next`` key is published before it signs (the rotation interval), so every relying party's
cached copy already holds a key by the time it starts signing.
"""

from flask import jsonify

from idp.services import services


def jwks():
    keys = services().signing_keys
    response = jsonify(keys.jwks())
    response.headers["Cache-Control"] = f"public, max-age={keys.jwks_max_age}"
    # Public keys: browser-based relying parties may fetch them from any origin.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
