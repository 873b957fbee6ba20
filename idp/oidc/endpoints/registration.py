"""``/connect/register``: RFC 7591 dynamic registration and RFC 7592 client configuration endpoints.

JSON in, JSON out, ``Cache-Control: no-store`` (the bodies hold secrets); errors per RFC 7591
§3.2.2 (``client_error``, the handler ``routes.py`` installs on this endpoint's blueprint).
CSRF-exempt: callers authenticate with bearer tokens, not cookies. The work is the registry's
(``clients.dynamic``); the metadata's JSON schema is ``clients.metadata_schema``.
"""

from __future__ import annotations

from flask import Response, jsonify, request

from clients import dynamic
from clients.credentials import KEY_PURPOSE
from clients.errors import ClientError, InvalidClientMetadata
from clients.metadata_schema import METADATA
from idp import json_body
from idp.oidc.audit_actor import actor
from idp.services import services
from idp.web.csrf import exempt


def warm_secret_key(state) -> None:
    """The blueprint's ``record_once`` hook: create the client-secret HMAC key when the app
    is built, not inside some later write transaction (on SQLite a nested writer would wait
    on the outer one)."""
    state.app.extensions["yiwang"].keyring.key(KEY_PURPOSE)


def _bearer() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _metadata() -> dict:
    """The body as RFC 7591 metadata of the right JSON types; RFC 7591 §3.2.2
    ``invalid_client_metadata`` for anything else (not JSON, not an object, NaN, 1e400...)."""
    try:
        body = json_body.read_object(request.get_data(), request.mimetype, empty=False)
        json_body.check(METADATA, body)
    except json_body.BadBody as exc:
        raise InvalidClientMetadata(str(exc)) from exc
    return body


def _json(body: dict | None, status: int) -> Response:
    response = jsonify(body) if body is not None else Response()
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def client_error(error: ClientError):
    response = _json({"error": error.error, "error_description": error.description},
                     error.status)
    if error.status == 401:
        # RFC 6750 §3: tell the caller which bearer scheme failed.
        response.headers["WWW-Authenticate"] = f'Bearer error="{error.error}"'
    return response


@exempt
def register():
    return _json(dynamic.register_dynamic(services(), _bearer(), _metadata(), actor()), 201)


def read(client_id: str):
    return _json(dynamic.read_registration(services(), client_id, _bearer()), 200)


@exempt
def update(client_id: str):
    return _json(dynamic.update_registration(services(), client_id, _bearer(), _metadata(),
                                             actor()), 200)


@exempt
def delete(client_id: str):
    dynamic.delete_registration(services(), client_id, _bearer(), actor())
    return _json(None, 204)
