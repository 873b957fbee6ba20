"""What the scan-to-log-in page costs the server: its status poll (every 2 s per browser on
the scan tab), showing a QR code (a Store entry, an audit event, the SVG), and the app's
confirmation, measured in-process (Flask's test client, no HTTP server) on SQLite with the SQL
Store, or Redis with --redis.

    .venv/bin/python bench/scan_login.py [--seconds 5] [--redis redis://127.0.0.1:6379/0]

Prints each operation's rate per second of wall clock and of this process's CPU, and what
one CPU-second of polls serves: browsers polling every 2 s.
"""

from __future__ import annotations

import argparse
import base64
import os
import platform
import re
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from idp.app import create_app  # noqa: E402
from idp.authn.scan_login import SHOWN_PER_IP  # noqa: E402
from idp.db import Database  # noqa: E402
from idp.settings import Settings  # noqa: E402


def _rate(label: str, seconds: float, action) -> float:
    done, wall, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - wall < seconds:
        action(done)
        done += 1
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:<38} {done / wall:8.0f} /s wall  {done / cpu:8.0f} /s CPU  "
          f"({1000 * cpu / done:.2f} ms CPU each)")
    return done / cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--redis", default="")
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="scan-bench-"))
    url = f"sqlite:///{data / 'yiwang.db'}"
    Database(url).upgrade()
    settings = Settings(issuer="http://127.0.0.1:8000", data_dir=data, database_url=url,
                        kek=base64.b64encode(secrets.token_bytes(32)).decode(),
                        redis_url=args.redis, store_prefix=f"b{secrets.token_hex(3)}:",
                        argon2_memory_kib=1024, argon2_time_cost=1)
    app = create_app(settings)
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, Store: {'Redis' if args.redis else 'SQL (SQLite)'}")
    browser = app.test_client()
    page = browser.get("/login?method=scan").get_data(as_text=True)
    scan_id = re.search(r'name="id" value="([^"]+)"', page)[1]
    polls = _rate("status poll (GET /login/scan/status)", args.seconds,
                  lambda _: browser.get(f"/login/scan/status?id={scan_id}"))
    ips = iter(range(10**9))  # each from its own address: under the per-IP QR limit

    def show(_):
        ip = next(ips)
        browser.get("/login?method=scan", environ_base={
            "REMOTE_ADDR": f"10.{ip // 65536 % 256}.{ip // 256 % 256}.{ip % 256}"})

    _rate(f"scan tab with a new QR code (<={SHOWN_PER_IP}/IP)", args.seconds, show)
    print(f"one CPU-second of polls serves {polls * 2:.0f} browsers polling every 2 s")


if __name__ == "__main__":
    main()
