"""``GET /jwks``: the JWK Set relying parties verify our tokens with (OIDC discovery jwks_uri),
from the key store (``keys/``).

Cache-Control max-age (IDP_JWKS_MAX_AGE_SECONDS, 300 s) must stay shorter than the time a
``next`` key is published before it signs (the rotation interval), so every relying party's
cached copy already holds a key by the time it starts signing.

A plain GET is answered before Flask by ``idp.oidc.documents``; this view serves the rest
(a request with a query string) with the same bytes and headers.
"""

from idp.oidc.endpoints.document_response import document_response
from idp.services import services


def jwks():
    keys = services().signing_keys
    body, _etag = keys.jwks_document()
    return document_response(body, keys.jwks_max_age)
