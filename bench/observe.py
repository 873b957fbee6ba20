"""What the request id, the latency histogram and the JSON access line cost per request.

    .venv/bin/python bench/observe.py [--requests 200000]

Calls a WSGI app that answers at once (so only our layer is measured) through
``idp.web.observe.Observed`` in each configuration, best of five rounds, in this process
(prometheus-client's in-memory values, as a test server) and in a child process with
PROMETHEUS_MULTIPROC_DIR set (the files every `idp serve` worker writes to), and prints
microseconds of CPU per request over the bare app. Then the same for the whole application's
/healthz (Flask, every hook), metrics off and on.
"""

from __future__ import annotations

import argparse
import base64
import logging
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import machine


def _bare(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def _environ(path: str = "/healthz") -> dict:
    return {"REQUEST_METHOD": "GET", "PATH_INFO": path, "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000", "wsgi.url_scheme": "http", "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.input": None, "QUERY_STRING": "", "HTTP_HOST": "127.0.0.1:8000"}


def cpu_per_call(app, n: int, rounds: int = 5) -> float:
    """Best-of-rounds CPU seconds per call of app."""
    def start_response(status, headers, exc_info=None):
        return None

    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(n):
            for _chunk in app(_environ(), start_response):
                pass
        best = min(best, (time.process_time() - started) / n)
    return best


def middleware_rows(n: int) -> list[tuple[str, float]]:
    from idp.web.observe import Observed

    logging.getLogger("idp.access").addHandler(logging.NullHandler())
    logging.getLogger("idp.access").propagate = False
    bare = cpu_per_call(_bare, n)
    rows = []
    for name, measure, lines in (("request id only (metrics off, text logs)", False, False),
                                 ("+ latency histogram (metrics on)", True, False),
                                 ("+ JSON access line (IDP_LOG_FORMAT=json)", True, True)):
        if lines:
            from idp.log_format import JsonFormatter

            handler = logging.StreamHandler(open(os.devnull, "w"))  # noqa: SIM115
            handler.setFormatter(JsonFormatter())
            logging.getLogger("idp.access").handlers[:] = [handler]
            logging.getLogger("idp.access").setLevel(logging.INFO)
        app = Observed(_bare, measure=measure, access_lines=lines)
        rows.append((name, (cpu_per_call(app, n) - bare) * 1e6))
    return rows


def app_rows(n: int) -> list[tuple[str, float]]:
    """The whole app's /healthz, metrics off and on (µs of CPU per request, not a difference)."""
    from dataclasses import replace

    from idp.app import create_app
    from idp.db import Database
    from idp.settings import Settings

    folder = Path(tempfile.mkdtemp(prefix="bench-observe-"))
    url = f"sqlite:///{folder / 'yiwang.db'}"
    database = Database(url)
    database.upgrade()
    database.dispose()
    logging.disable(logging.WARNING)
    settings = Settings(data_dir=folder, database_url=url, kek=base64.b64encode(
        secrets.token_bytes(32)).decode(), argon2_memory_kib=1024, argon2_time_cost=1)
    rows = []
    for name, values in (("app /healthz, metrics off", {}),
                         ("app /healthz, metrics on", {"metrics_token": "x" * 32})):
        app = create_app(replace(settings, **values))
        rows.append((name, cpu_per_call(app.wsgi_app, n // 10) * 1e6))
    return rows


def child(n: int) -> None:
    for name, micros in middleware_rows(n) + app_rows(n):
        print(f"{name}\t{micros:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.requests)
        return
    print(f"machine: {machine()}; {args.requests} calls a round, best of 5")
    for mode in ("in-memory values", "multiprocess files (idp serve)"):
        env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
        folder = None
        if mode.startswith("multiprocess"):
            folder = tempfile.mkdtemp(prefix="bench-metrics-")
            env["PROMETHEUS_MULTIPROC_DIR"] = folder
        out = subprocess.run([sys.executable, __file__, "--child", "--requests",
                              str(args.requests)], env=env, capture_output=True, text=True,
                             check=True).stdout
        print(f"\n{mode}: µs of CPU per request")
        for line in out.strip().splitlines():
            name, micros = line.split("\t")
            unit = "over the bare app" if not name.startswith("app ") else "per request"
            print(f"  {name:<45} {float(micros):8.2f} µs {unit}")


if __name__ == "__main__":
    main()
