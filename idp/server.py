"""Production serving on gunicorn: migrate once, then fork workers that each build the app."""

from __future__ import annotations

import logging

from gunicorn.app.base import BaseApplication

from idp.settings import Settings


class _Gunicorn(BaseApplication):
    def __init__(self, settings: Settings, options: dict) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from idp.worker_app import worker_app

        return worker_app(self.settings, _build_app)


def _build_app(settings: Settings):
    from idp.app import create_app
    from idp.services import Services

    # The master migrated already; workers only open what exists.
    return create_app(settings, services=Services.build(settings, upgrade=False))


def serve(
    settings: Settings, *, bind: str, workers: int, threads: int, access_log: bool = True
) -> None:
    from idp.bootstrap import prepare
    from idp.store import persistence_warning

    prepare(settings)  # schema, KEK check and first-start admin, before any worker forks
    warning = persistence_warning(settings)  # SSO sessions must survive a Redis restart
    if warning:
        logging.getLogger(__name__).warning("%s (README: Production)", warning)
    options = {
        "bind": bind,
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "graceful_timeout": 10,
        # Longer than clients' own idle reuse (node's undici: 4 s), so a client never sends on
        # a kept-alive connection the server is just closing ("fetch failed" in the bench).
        "keepalive": 5,
        # One fixed control-socket path per user would be shared by every server on the host.
        "control_socket_disable": True,
        # Query strings can carry codes and tokens: log the path only.
        "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss',
    }
    if access_log:  # a formatted line per request costs ~5% of a small request's CPU
        options["accesslog"] = "-"
    _Gunicorn(settings, options).run()
