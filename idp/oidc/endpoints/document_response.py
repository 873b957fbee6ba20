"""A public JSON document's Flask response: the headers ``idp.oidc.documents`` sends, and a
304 when the client's If-None-Match names the body's ETag."""

from __future__ import annotations

from flask import Response, request

from idp.oidc.documents import document_headers, etag_of, matches
from idp.services import services


def document_response(body: bytes, max_age: int) -> Response:
    etag = etag_of(body)
    headers = document_headers(services(), max_age, etag)
    if matches(request.headers.get("If-None-Match", ""), etag):
        return Response(status=304, headers=headers)
    return Response(body, mimetype="application/json", headers=headers)
