"""The WSGI app a gunicorn worker serves, even when it starts during an outage.

A worker that fails to load stops gunicorn altogether ("Worker failed to boot"), so a worker
replaced while PostgreSQL or Redis is down (a crash, ``max_requests``, an OOM kill) would take
the whole node down. Instead the worker starts answering 503 (``/readyz`` too, so the load
balancer keeps it out; ``/healthz`` stays a liveness check) and builds the real app on the first
request that finds both back, at most once a second.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable

from idp.settings import Settings
from idp.web.errors import JSON_PATHS, RETRY_AFTER_SECONDS, describe, outage

log = logging.getLogger(__name__)
RETRY_EVERY_SECONDS = 1.0

WsgiApp = Callable[[dict, Callable], Iterable[bytes]]


def worker_app(settings: Settings, build: Callable[[Settings], WsgiApp]) -> WsgiApp:
    """build(settings) now; while an outage prevents it, an app that answers 503 and retries."""
    try:
        return build(settings)
    except Exception as error:
        if outage(error) is None:
            raise
        log.warning("worker started during an outage (%s): answering 503 until it ends",
                    describe(error))
        return _BuiltOnceAvailable(settings, build)


class _BuiltOnceAvailable:
    def __init__(self, settings: Settings, build: Callable[[Settings], WsgiApp]) -> None:
        self.settings = settings
        self.build = build
        self.app: WsgiApp | None = None
        self.next_try = 0.0
        self.lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        app = self.app or self._try_build()
        if app is not None:
            return app(environ, start_response)
        return _unavailable(environ, start_response)

    def _try_build(self) -> WsgiApp | None:
        with self.lock:  # one thread builds; the others answer 503 meanwhile
            if self.app is None and time.monotonic() >= self.next_try:
                self.next_try = time.monotonic() + RETRY_EVERY_SECONDS
                try:
                    self.app = self.build(self.settings)
                    log.info("outage over: the worker now serves")
                except Exception as error:
                    if outage(error) is None:
                        raise
            return self.app


def _unavailable(environ: dict, start_response: Callable) -> list[bytes]:
    path = environ.get("PATH_INFO", "")
    if path == "/healthz":  # liveness: the process is up and answering
        return _answer(start_response, "200 OK", {"status": "ok"})
    if path == "/readyz":
        return _answer(start_response, "503 Service Unavailable",
                       {"status": "unavailable", "database": "unavailable",
                        "store": "unavailable"})
    accept = environ.get("HTTP_ACCEPT", "")
    program = path.startswith(JSON_PATHS) or ("json" in accept and "html" not in accept)
    if not program:  # as the app's own 503 page, in short
        body = ("<!doctype html><meta charset=utf-8><title>503</title>"
                "<p>服务暂时不可用，本次操作未完成，请稍后重试。</p>"
                "<p>The service is temporarily unavailable; please try again in a moment.</p>")
        return _answer(start_response, "503 Service Unavailable", body)
    return _answer(start_response, "503 Service Unavailable", {
        "error": "temporarily_unavailable",
        "error_description": "The service is temporarily unavailable; retry after the "
                             "Retry-After delay."})


def _answer(start_response: Callable, status: str, body: dict | str) -> list[bytes]:
    html = isinstance(body, str)
    data = (body if html else json.dumps(body)).encode()
    headers = [("Content-Type", "text/html; charset=utf-8" if html else "application/json"),
               ("Content-Length", str(len(data))), ("Cache-Control", "no-store")]
    if not status.startswith("200"):
        headers.append(("Retry-After", str(RETRY_AFTER_SECONDS)))
    start_response(status, headers)
    return [data]
