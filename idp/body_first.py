"""A request takes one of the app's turns only once its body has arrived.

A WSGI server hands the app a request once its head has arrived; the app then reads the body
from ``wsgi.input``, blocking its thread for as long as the client takes. A client trickling
its body a byte a second would hold one of the worker's few app threads for minutes, and a
handful of them would stop the worker. So the body is read first, and only then does the
request wait for one of ``app_threads`` turns: the server gives the worker more threads than
that (``idp serve --body-waiters``), and those extra ones only wait for bodies, without the GIL.

The read itself is not bounded here: granian reads the body in the thread that asked, and a
read moved to a helper thread and abandoned on a deadline hangs its worker. A balancer in front
bounds it (HAProxy ``option http-buffer-request`` with ``timeout http-request``: docs/production.md,
tested in tests/multinode/test_slow_requests_at_the_balancer.py).
"""

from __future__ import annotations

import io
import queue
from collections.abc import Callable, Iterable

WsgiApp = Callable[[dict, Callable], Iterable[bytes]]
MAX_BODY = 1024 * 1024  # the app's MAX_CONTENT_LENGTH (idp/app.py)


class BodyFirst:
    def __init__(self, app: WsgiApp, app_threads: int) -> None:
        self.app = app
        # Turns as tokens in a C queue: a wait and a hand-over cost far less CPU than
        # threading.Semaphore's Python-level condition (~6% of a password login's CPU).
        self.turns: queue.SimpleQueue[None] = queue.SimpleQueue()
        for _ in range(app_threads):
            self.turns.put(None)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        length = environ.get("CONTENT_LENGTH") or "0"
        if length != "0" or "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            _read_body(environ, length)
        self.turns.get()
        try:
            return self.app(environ, start_response)
        finally:
            self.turns.put(None)


def _read_body(environ: dict, length: str) -> None:
    """wsgi.input replaced by the body, at most MAX_BODY + 1 bytes of it: the app refuses a
    larger one itself (413), and a declared length above that is left to it unread."""
    size = int(length) if length.isdigit() else MAX_BODY + 1  # chunked: up to the limit
    if size > MAX_BODY + 1:
        return
    body = environ["wsgi.input"].read(size)
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ.pop("HTTP_TRANSFER_ENCODING", None)
