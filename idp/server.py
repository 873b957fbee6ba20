"""Production serving: migrate once, then start workers that each build the app.

Two HTTP fronts run the same WSGI app (``idp serve --server``):

- granian (the default): a Rust HTTP/1.1 server. Connections, header parsing and slow clients
  live in its event loop; a Python thread is taken only by a complete request, so clients that
  trickle their headers cost no thread, and the header read is bounded (``header_timeout``).
- gunicorn, gthread workers: kept for comparison (``bench/oidc.py --server gunicorn``). A
  connection holds a thread while its headers arrive, so a handful of slow clients stop it.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from idp import metrics_listener
from idp.log_format import json_logconfig
from idp.settings import Settings

SERVERS = ("granian", "gunicorn")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServeOptions:
    bind: str = "127.0.0.1:8000"
    workers: int = 0  # 0: one per core this process may run on
    threads: int = 4  # per worker: requests a worker runs at once (I/O waits overlap)
    access_log: bool = True
    server: str = "granian"
    header_timeout: float = 10.0  # seconds for a client to send its whole request head
    graceful_timeout: float = 10.0  # seconds in-flight requests get to finish on SIGTERM
    # granian threads per worker beyond the app's own that only wait for slow request bodies
    # (idp.body_first). 0 by default: behind a balancer that takes each request whole
    # (docs/production.md) no slow body reaches a node, and the waiters cost every request
    # 10-20% more CPU (bench/oidc.py; more threads in Python contend for the GIL).
    body_waiters: int = 0


def machine_cores() -> int:
    """Cores this process may run on (a container's CPU set, taskset), not the host's count."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def serve(settings: Settings, options: ServeOptions) -> None:
    from idp.bootstrap import prepare
    from idp.store import persistence_warning

    if options.server not in SERVERS:
        raise ValueError(f"unknown server {options.server!r}")
    metrics_listener.prepare(settings)  # before anything counts: workers share its directory
    prepare(settings)  # schema, KEK check and first-start admin, before any worker forks
    warning = persistence_warning(settings)  # SSO sessions must survive a Redis restart
    if warning:
        log.warning("%s (docs/operating.md: Production)", warning)
    workers = options.workers or machine_cores()
    if options.server == "granian":
        _serve_granian(settings, options, workers)
    else:
        _serve_gunicorn(settings, options, workers)


def _build_app(settings: Settings):
    from idp.app import create_app
    from idp.services import Services

    # The master migrated already; workers only open what exists.
    return create_app(settings, services=Services.build(settings, upgrade=False))


def _worker_app(settings: Settings, options: ServeOptions):
    from idp.body_first import BodyFirst
    from idp.worker_app import worker_app

    log.info("worker %d building the app", os.getpid())
    app = worker_app(settings, _build_app)
    if options.server == "granian":
        if options.body_waiters:
            app = BodyFirst(app, options.threads)
        # granian copies the process environment into every request's WSGI environ: keep the
        # key-encryption key and other IDP_* secrets out of it (the settings are read already).
        for name in [name for name in os.environ if name.startswith("IDP_")]:
            del os.environ[name]
    return app


def _host_port(bind: str) -> tuple[str, int]:
    host, _, port = bind.rpartition(":")
    return host.strip("[]") or "127.0.0.1", int(port)


# -- granian ---------------------------------------------------------------------------------
def _serve_granian(settings: Settings, options: ServeOptions, workers: int) -> None:
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.server import Server

    host, port = _host_port(options.bind)
    server = Server(
        "idp.server:app",  # a name for granian's logs; the loader below builds the app
        address=host, port=port, interface=Interfaces.WSGI, http=HTTPModes.http1,
        websockets=False, workers=workers, blocking_threads=options.threads + options.body_waiters,
        http1_settings=HTTP1Settings(header_read_timeout=int(options.header_timeout * 1000)),
        # A crashed or OOM-killed worker is replaced; worker_app keeps one that starts during
        # a backend outage alive (503), so a replacement never loops on a failed boot.
        respawn_failed_workers=True, respawn_interval=1.0,
        workers_kill_timeout=max(1, round(options.graceful_timeout)),
        # IDP_LOG_FORMAT=json: the app writes the access lines (with the request id).
        log_access=options.access_log and settings.log_format != "json",
        log_dictconfig=json_logconfig("_granian", "granian.access",
                                      access_lines=options.access_log)
        if settings.log_format == "json" else None,
        # Query strings can carry codes and tokens: log the path only.
        log_access_format='%(addr)s "%(method)s %(path)s" %(status)d %(dt_ms).1fms',
    )
    # Its advice against many threads assumes they all run Python; the extra ones wait.
    logging.getLogger("_granian").addFilter(
        lambda record: "Python threads" not in record.getMessage())
    # Workers are forked: the loader runs in each, after the master prepared the database.
    server.serve(target_loader=lambda: _worker_app(settings, options), wrap_loader=False)


# -- gunicorn --------------------------------------------------------------------------------
def _serve_gunicorn(settings: Settings, options: ServeOptions, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    class Gunicorn(BaseApplication):
        def load_config(self) -> None:
            for key, value in config.items():
                self.cfg.set(key, value)

        def load(self):
            return _worker_app(settings, options)

    config = {
        "bind": options.bind,
        "workers": workers,
        "threads": options.threads,
        "worker_class": "gthread" if options.threads > 1 else "sync",
        "graceful_timeout": round(options.graceful_timeout),  # gunicorn takes whole seconds
        # Longer than clients' own idle reuse (node's undici: 4 s), so a client never sends on
        # a kept-alive connection the server is just closing ("fetch failed" in the bench).
        "keepalive": 5,
        # One fixed control-socket path per user would be shared by every server on the host.
        "control_socket_disable": True,
        "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss',
        # A dead worker's share of the live gauges (the audit queue depth) leaves /metrics.
        "child_exit": lambda _arbiter, worker: metrics_listener.worker_exited(worker.pid),
    }
    if settings.log_format == "json":  # the app writes the access lines (with the request id)
        config["logconfig_dict"] = json_logconfig("gunicorn.error", "gunicorn.access",
                                                  access_lines=options.access_log)
    elif options.access_log:  # a formatted line per request costs ~5% of a small request's CPU
        config["accesslog"] = "-"
    Gunicorn().run()
