"""A bounded wait for a request body, in front of the WSGI app.

A WSGI server hands the app a request once its head has arrived; the app then reads the body
from ``wsgi.input``, blocking one of the worker's few threads for as long as the client takes.
A client that trickles its body a byte a second would hold that thread for minutes, and a
handful of them stop the worker (granian bounds the head, not the body). So the body is read by
a helper thread while the worker's thread waits at most ``seconds``: a body that has not
arrived by then is answered ``408 Request Timeout`` and the connection closed, which ends the
helper's read too. A request without a body passes straight through.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

WsgiApp = Callable[[dict, Callable], Iterable[bytes]]
# Readers are cheap (each waits in the server's read, without the GIL); many may be parked
# on slow clients at once, and a reader is taken back as soon as its connection closes.
MAX_READERS = 512


class BodyDeadline:
    def __init__(self, app: WsgiApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds
        self.readers = ThreadPoolExecutor(max_workers=MAX_READERS,
                                          thread_name_prefix="body-reader")

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        length = environ.get("CONTENT_LENGTH") or "0"
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if length == "0" and not chunked:
            return self.app(environ, start_response)
        source = environ["wsgi.input"]
        # A declared length is read exactly; a chunked body to its end (the app's own size
        # limit, MAX_CONTENT_LENGTH, still applies to what it then reads).
        reading = self.readers.submit(source.read, int(length) if length.isdigit() else -1)
        try:
            body = reading.result(timeout=self.seconds)
        except FutureTimeout:
            return _request_timeout(environ, start_response, self.seconds)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)


def _request_timeout(environ: dict, start_response: Callable, seconds: float) -> list[bytes]:
    # RFC 9110 §15.5.9: 408, and the server closes the connection. Bodies come from programs
    # (token, introspection) or from forms a browser sends at once: JSON serves both.
    body = json.dumps({"error": "invalid_request", "error_description":
                       f"The request body did not arrive within {seconds:g} s."}).encode()
    start_response("408 Request Timeout", [
        ("Content-Type", "application/json"), ("Content-Length", str(len(body))),
        ("Connection", "close"), ("Cache-Control", "no-store")])
    return [body]
