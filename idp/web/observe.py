"""Every request gets an id, a latency measure and, in JSON logs, an access line.

The id is the caller's ``X-Request-Id`` when it is short and plain (a balancer's or a relying
party's own), else 16 new hex digits. It goes back in the ``X-Request-Id`` header, on error
pages and in JSON errors, and into every log line written while the request is served.

One WSGI middleware does it all, so the cost on a hot path such as ``/token`` is one histogram
observation and a header (measured in bench/observe.py). The latency is labelled with the
Flask rule (``/oidc/logout/<sid>``), never the raw path, so the series stay bounded.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Iterable
from time import perf_counter

from flask import Flask, request

from idp.log_format import ACCESS_LOGGER, RequestContext, current_request
from idp.metrics import metrics

REQUEST_ID = "yiwang.request_id"  # WSGI environ keys
RULE = "yiwang.rule"
SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
access_log = logging.getLogger(ACCESS_LOGGER)


def request_id() -> str | None:
    """The id of the request being served (None outside a request)."""
    context = current_request.get()
    return context.request_id if context is not None else None


class Observed:
    """WSGI middleware: request id, latency histogram (when metrics are on), access line."""

    def __init__(self, app: Callable, *, measure: bool, access_lines: bool) -> None:
        self.app = app
        self.measure = measure
        self.access_lines = access_lines

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = perf_counter()
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        rid = incoming if SANE_ID.fullmatch(incoming) else secrets.token_hex(8)
        environ[REQUEST_ID] = rid
        method = environ.get("REQUEST_METHOD", "")
        path = environ.get("PATH_INFO", "")[:200]  # never the query string: codes, tokens
        token = current_request.set(RequestContext(rid, method, path))
        status = ["500"]

        def start(status_line: str, headers: list, exc_info=None):
            status[0] = status_line[:3]
            headers.append(("X-Request-Id", rid))
            return start_response(status_line, headers, exc_info)

        try:
            return self.app(environ, start)
        finally:
            duration = perf_counter() - started
            if self.measure:
                metrics().requests.labels(
                    environ.get(RULE, "unmatched"), method if method in _METHODS else "other",
                    f"{status[0][0]}xx").observe(duration)
            if self.access_lines:
                access_log.info("%s %s %s", method, path, status[0],
                                extra={"status": int(status[0]), "duration": round(duration, 4)})
            current_request.reset(token)


def _note_rule(_error: BaseException | None) -> None:
    # Flask forgets the request when it ends: keep the matched rule for the middleware.
    if request.url_rule is not None:
        request.environ[RULE] = request.url_rule.rule


def init_app(app: Flask, *, measure: bool, access_lines: bool) -> None:
    app.wsgi_app = Observed(app.wsgi_app, measure=measure, access_lines=access_lines)
    if measure:
        app.teardown_request(_note_rule)
    app.jinja_env.globals["request_id"] = request_id
