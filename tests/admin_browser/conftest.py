"""Browser fixtures: the system Chromium (Playwright, no download) and a relying party's
redirect target (a tiny local HTTP server that answers every GET)."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest

from tests.admin.conftest import citizen, make_admin  # noqa: F401 - shared fixtures

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


@pytest.fixture
def services(live_app):
    """The live app's services (make_admin and citizen build on them)."""
    return live_app[0].extensions["yiwang"]


@pytest.fixture
def relying_party():
    """Base URL of a stand-in relying party; its pages just say it got the request."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.end_headers()
            self.wfile.write(b"relying party got the callback")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def output_dir() -> Path:
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT
