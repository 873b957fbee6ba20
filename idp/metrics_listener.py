"""What ``idp serve`` sets up for ``/metrics`` before its workers start.

The workers share one directory of metric files (prometheus-client's multiprocess mode), new
for each run: the operator's ``PROMETHEUS_MULTIPROC_DIR`` emptied, or a temporary directory
removed at exit. Counts from an earlier run would otherwise be added to this one's.

With ``IDP_METRICS_BIND`` the serving process also answers ``/metrics`` on that address, from
a thread of its own: the workers' port never serves it, and a scrape takes no worker thread.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from idp.metrics import MULTIPROC_ENV
from idp.settings import Settings
from idp.web.metrics import listener_app

log = logging.getLogger(__name__)


def prepare(settings: Settings) -> None:
    """The metrics directory of this run, and the listener when IDP_METRICS_BIND is set."""
    prepare_directory()
    if settings.metrics_bind:
        start_listener(settings)


def prepare_directory() -> Path:
    """Point PROMETHEUS_MULTIPROC_DIR at an empty directory for this run; its path."""
    given = os.environ.get(MULTIPROC_ENV)
    if given:
        path = Path(given)
        if path.is_dir():
            for entry in path.glob("*.db"):  # only prometheus-client's files
                entry.unlink()
        path.mkdir(parents=True, exist_ok=True)
    else:
        path = Path(tempfile.mkdtemp(prefix="yiwang-metrics-"))
        owner = os.getpid()  # forked workers run atexit too: only this process removes it
        atexit.register(lambda: os.getpid() == owner and shutil.rmtree(path, True))
    os.environ[MULTIPROC_ENV] = str(path)
    return path


def worker_exited(pid: int) -> None:
    """Drop a dead worker's share of the live gauges (the audit queue depth)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid)


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        pass


def start_listener(settings: Settings) -> None:
    """Serve /metrics on IDP_METRICS_BIND from a daemon thread of this process."""
    host, _, port = settings.metrics_bind.rpartition(":")
    server = make_server(host.strip("[]") or "127.0.0.1", int(port),
                         listener_app(settings.metrics_token), server_class=_Server,
                         handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    log.info("metrics served on http://%s/metrics", settings.metrics_bind)
