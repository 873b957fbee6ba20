"""Hostile text is refused at the edge, once, before any view: one rule for every parameter.

Every request's path, query parameters, form fields, JSON strings and the headers the IdP reads
must be UTF-8 without C0 control characters (TAB, LF and CR excepted in values, never in the
path) and without surrogates (``idp.params.check_text``). A NUL byte would otherwise reach
PostgreSQL, which refuses it with a DataError (SQLite stores it), and invalid UTF-8 would be
silently replaced or fail deep inside a library. The answer is a 400 in the surface's own
format: JSON ``invalid_request`` for the OAuth endpoints and the admin API, the HTML error page
elsewhere. HTTP Basic credentials that are not UTF-8 text get a 401 ``invalid_client`` (RFC
6749 §5.2) on the OAuth endpoints.

Defence in depth: a database DataError (a value the database refuses) that still reaches a view
becomes the same 400, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from collections.abc import Iterator
from urllib.parse import unquote, unquote_to_bytes

import orjson
from flask import Flask, Response, request
from sqlalchemy.exc import DataError

from idp.params import InvalidText, check_text, decode_text
from idp.web.errors import render_error

log = logging.getLogger(__name__)

# Endpoints whose answers are JSON (RFC 6749 §5.2 errors; the admin API uses the same shape).
JSON_PREFIXES = ("/par", "/token", "/introspect", "/revoke", "/userinfo", "/connect/register",
                 "/connect/", "/admin/api/")
# Endpoints that authenticate a client with HTTP Basic (RFC 6749 §2.3.1).
# (Registration at /connect/register takes a Bearer token, RFC 7591 §3: no Basic there.)
CLIENT_AUTH_PREFIXES = ("/par", "/token", "/introspect", "/revoke")
# Headers a view or the audit log reads as text.
READ_HEADERS = ("Authorization", "User-Agent", "Accept-Language", "X-CSRF-Token")
_READ_KEYS = [(name, "HTTP_" + name.upper().replace("-", "_")) for name in READ_HEADERS]
MAX_JSON_DEPTH = 64
# What needs no decoding to pass (most requests, every token request): printable ASCII, and in
# a form or query string no %-escape either ('+' stands for a space, which passes too).
_PLAIN_PATH = re.compile(r"[\x20-\x7e]*")
_PLAIN_FORM = re.compile(rb"[\x20-\x24\x26-\x7e]*")


class _Refused(Exception):
    def __init__(self, where: str, reason: str, status: int = 400,
                 error: str = "invalid_request") -> None:
        super().__init__(f"{where} {reason}")
        self.where, self.status, self.error = where, status, error


def _pairs(raw: bytes) -> Iterator[tuple[bytes, bytes]]:
    """Name and value bytes of an application/x-www-form-urlencoded string, as sent."""
    for part in raw.split(b"&"):
        if part:
            name, _, value = part.partition(b"=")
            yield (unquote_to_bytes(name.replace(b"+", b" ")),
                   unquote_to_bytes(value.replace(b"+", b" ")))


def _check_pairs(raw: bytes, where: str) -> None:
    if _PLAIN_FORM.fullmatch(raw):  # nothing escaped, nothing outside printable ASCII
        return
    for name, value in _pairs(raw):
        try:
            label = decode_text(name)
        except InvalidText as exc:
            raise _Refused(f"a {where} parameter name", str(exc)) from exc
        try:
            decode_text(value)
        except InvalidText as exc:
            raise _Refused(f"the {where} parameter {label[:40]!r}", str(exc)) from exc


def _check_path(environ: dict) -> None:
    if _PLAIN_PATH.fullmatch(environ.get("PATH_INFO", "")):
        return
    raw = environ.get("PATH_INFO", "").encode("latin-1", "replace")
    try:
        path = decode_text(raw)
    except InvalidText as exc:
        raise _Refused("the path", str(exc)) from exc
    if any(ch in path for ch in "\t\r\n"):
        raise _Refused("the path", "must not contain a line break or tab")


def _check_json(data: bytes) -> None:
    try:
        document = json.loads(data)
    except RecursionError as exc:
        raise _Refused("the JSON body", "is nested too deeply") from exc
    except ValueError:
        return  # not JSON: the endpoint answers that in its own words
    stack = [(document, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise _Refused("the JSON body", "is nested too deeply")
        if isinstance(value, str):
            try:
                check_text(value)
            except InvalidText as exc:
                raise _Refused("a string in the JSON body", str(exc)) from exc
        elif isinstance(value, dict):
            stack.extend((item, depth + 1) for pair in value.items() for item in pair)
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def _check_body() -> None:
    mimetype = request.mimetype
    if mimetype == "application/x-www-form-urlencoded":
        _check_pairs(request.get_data(cache=True), "form")
    elif mimetype == "application/json" or mimetype.endswith("+json"):
        _check_json(request.get_data(cache=True))
    elif mimetype.startswith("multipart/"):
        values = [*request.form.items(multi=True),
                  *((name, f.filename or "") for name, f in request.files.items(multi=True))]
        for name, value in values:
            try:
                check_text(name)
                check_text(value)
            except InvalidText as exc:
                raise _Refused(f"the form field {name[:40]!r}", str(exc)) from exc


def _check_headers(environ: dict, path: str) -> None:
    # The environ is what request.headers reads, without building its key each time.
    for name, key in _READ_KEYS:
        value = environ.get(key)
        if value is None:
            continue
        try:
            check_text(value)
        except InvalidText as exc:
            raise _Refused(f"the {name} header", str(exc)) from exc
    if path.startswith(CLIENT_AUTH_PREFIXES):
        _check_basic(environ.get("HTTP_AUTHORIZATION", ""))


def _check_basic(header: str) -> None:
    """RFC 6749 §2.3.1: client_id and secret are form-encoded UTF-8 inside the Basic value.
    What cannot be read that way names no client: invalid_client, as a wrong secret would.
    (Authlib's own reading raises on non-ASCII base64 and on bytes that are not UTF-8.)"""
    if " " not in header:
        return
    scheme, token = header.split(None, 1)
    if scheme.lower() != "basic":
        return
    try:
        raw = base64.b64decode(token)  # as lenient as Authlib, which decodes it next
    except binascii.Error:
        return  # not base64: Authlib sees no credentials and answers invalid_client itself
    except ValueError as exc:  # non-ASCII text where base64 belongs
        raise _Refused("the Basic credentials", "are not base64", 401, "invalid_client") \
            from exc
    try:
        for part in raw.decode("utf-8").split(":", 1):
            check_text(unquote(part, errors="strict"))
    except (UnicodeDecodeError, InvalidText) as exc:
        raise _Refused("the Basic credentials", "are not UTF-8 text", 401,
                       "invalid_client") from exc


def guard():
    """The before_request hook: None to go on, or the 400/401 answer."""
    path = request.path
    try:
        _check_head(request.environ, request.query_string)
        if request.method not in ("GET", "HEAD", "OPTIONS") or request.content_length:
            try:
                _check_body()
            except _Refused as refused:
                if path.startswith("/connect/register"):  # RFC 7591 §3.2.2: the body is metadata
                    refused.error = "invalid_client_metadata"
                raise
    except _Refused as refused:
        log.info("refused at the edge: %s", refused)
        return _answer(path, refused.status, refused.error, str(refused))
    return None


def check_form_post(environ: dict, body: bytes) -> tuple[int, list[tuple[str, str]], bytes] | None:
    """The guard for a urlencoded POST without a query string to a JSON endpoint, without
    Flask (for ``idp.oidc.machine_endpoints``): None to go on, or the refusal's status,
    headers and body, as ``guard`` answers it."""
    try:
        _check_path(environ)
        _check_headers(environ, environ.get("PATH_INFO", ""))
        _check_pairs(body, "form")
    except _Refused as refused:
        log.info("refused at the edge: %s", refused)
        return _json_refusal(refused.status, refused.error, str(refused))
    return None


def passes_get(environ: dict) -> bool:
    """The guard's checks of a GET (path, query string, headers), without Flask: True when
    they pass. A request that fails is left to Flask, whose hook answers it."""
    try:
        _check_head(environ, environ.get("QUERY_STRING", "").encode("latin-1"))
    except _Refused:
        return False
    return True


def _check_head(environ: dict, query_string: bytes) -> None:
    """Path, query string and the headers read: what every request is checked for."""
    _check_path(environ)
    _check_pairs(query_string, "query")
    _check_headers(environ, environ.get("PATH_INFO", ""))


def _json_refusal(status: int, error: str, description: str
                  ) -> tuple[int, list[tuple[str, str]], bytes]:
    """A refusal at a JSON endpoint: RFC 6749 §5.2's shape, with the Basic challenge on 401."""
    headers = [("Content-Type", "application/json"), ("Cache-Control", "no-store")]
    if status == 401:
        headers.append(("WWW-Authenticate", 'Basic realm="yiwang"'))
    return status, headers, orjson.dumps({"error": error, "error_description": description})


def _answer(path: str, status: int, error: str, description: str):
    if path.startswith(JSON_PREFIXES):
        status, headers, body = _json_refusal(status, error, description)
        return Response(body, status=status, headers=headers)
    return render_error(400)


def _data_error(error: DataError):
    # A value the database refused (e.g. NUL, or a number out of a column's range) that the
    # edge check did not foresee: the client's fault, so 400; logged to find and fix the path.
    log.warning("database refused a value: %s", str(error.orig)[:200])
    return _answer(request.path, 400, "invalid_request", "A value in the request is not valid.")


def init_app(app: Flask) -> None:
    # First of all before_request hooks: the CSRF check and i18n read the form and headers.
    app.before_request_funcs.setdefault(None, []).insert(0, guard)
    app.register_error_handler(DataError, _data_error)
    try:
        from psycopg import DataError as PgDataError
    except ImportError:  # the postgres extra is not installed
        return
    app.register_error_handler(PgDataError, _data_error)
