"""``/metrics`` in the Prometheus text format, never public.

``IDP_METRICS_TOKEN`` guards it with a bearer token (compared in constant time: 401 without
it); ``IDP_METRICS_BIND`` moves it to a listener of its own that ``idp serve`` starts on that
address (a port the balancer does not publish), and the main port then answers 404. With
neither set there is no ``/metrics`` at all (404). Both set: its own port, and the token too.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable, Iterable

from flask import Flask, Response, request
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from idp.metrics import MULTIPROC_ENV
from idp.settings import Settings

PATH = "/metrics"


def exposition() -> bytes:
    """Every metric, summed over the worker processes when they share a directory."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def authorised(token: str, authorization: str | None) -> bool:
    """Whether the Authorization header carries the bearer token (always, when none is set)."""
    if not token:
        return True
    expected = f"Bearer {token}".encode()
    return hmac.compare_digest(expected, (authorization or "").encode("utf-8", "replace"))


def _unauthorised() -> tuple[int, list[tuple[str, str]], bytes]:
    # RFC 6750 §3: a request without the token gets the challenge and no error code.
    return 401, [("WWW-Authenticate", 'Bearer realm="metrics"'),
                 ("Content-Type", "text/plain; charset=utf-8")], b"unauthorized\n"


def answer(token: str, authorization: str | None) -> tuple[int, list[tuple[str, str]], bytes]:
    if not authorised(token, authorization):
        return _unauthorised()
    return 200, [("Content-Type", CONTENT_TYPE_LATEST), ("Cache-Control", "no-store")], \
        exposition()


def init_app(app: Flask, settings: Settings) -> None:
    """Serve /metrics on the main port only when a token guards it and no port of its own
    is set."""
    if not settings.metrics_token or settings.metrics_bind:
        return

    def view() -> Response:
        status, headers, body = answer(settings.metrics_token,
                                       request.headers.get("Authorization"))
        return Response(body, status=status, headers=headers)

    app.add_url_rule(PATH, "metrics", view, methods=["GET"])


def listener_app(token: str) -> Callable[[dict, Callable], Iterable[bytes]]:
    """The WSGI app of the separate metrics address: /metrics and nothing else."""

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") not in ("GET",
                                                                                     "HEAD"):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found\n"]
        status, headers, body = answer(token, environ.get("HTTP_AUTHORIZATION"))
        reason = {200: "OK", 401: "Unauthorized"}[status]
        start_response(f"{status} {reason}", [*headers, ("Content-Length", str(len(body)))])
        return [body]

    return app
