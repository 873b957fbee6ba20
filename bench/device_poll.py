"""What a terminal's polling costs the token endpoint (RFC 8628 §3.4), in process.

    .venv/bin/python bench/device_poll.py [--seconds 5] [--redis redis://127.0.0.1:6379/0]

Many terminals waiting for their person poll /token every `interval` seconds; each poll of a
pending device code is answered ``authorization_pending`` (client lookup, the request read
from the Store, the pace checked). Here: one pending request per terminal, each polled once its
interval has passed (the pace key is cleared between polls, as time would), through the Flask
app with its test client (SQLite, the SQL Store, or Redis with --redis). Prints polls per
second (wall clock, and per CPU-second of this process) with the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import tempfile
import time
from base64 import b64encode
from pathlib import Path

from clients.registry import register_client
from idp.app import create_app
from idp.audit import SYSTEM_ACTOR
from idp.db import Database
from idp.settings import Settings

GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--redis", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        Database(url).upgrade()
        app = create_app(Settings(issuer="http://127.0.0.1:8000", data_dir=Path(tmp),
                                  database_url=url, redis_url=args.redis,
                                  store_prefix=f"bench{secrets.token_hex(3)}:",
                                  kek=b64encode(os.urandom(32)).decode()))
        services = app.extensions["yiwang"]
        registered, _ = register_client(services, {
            "client_name": "bench terminal", "token_endpoint_auth_method": "none",
            "grant_types": [GRANT]}, SYSTEM_ACTOR)
        client = app.test_client()
        codes = [client.post("/device_authorization",
                             data={"client_id": registered.client_id}).get_json()["device_code"]
                 for _ in range(200)]
        polls, started, cpu = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - started < args.seconds:
            code = codes[polls % len(codes)]
            services.store.delete(f"device-poll:{code.split('.')[0]}")  # its interval passed
            answer = client.post("/token", data={"client_id": registered.client_id,
                                                 "grant_type": GRANT, "device_code": code})
            assert answer.get_json()["error"] == "authorization_pending", answer.get_json()
            polls += 1
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        store = "Redis" if args.redis else "SQL (SQLite)"
        print(f"{platform.node()} · {os.cpu_count()} CPUs · Python {platform.python_version()}"
              f" · Store: {store}")
        print(f"pending polls: {polls / wall:,.0f} per second wall clock, "
              f"{polls / cpu:,.0f} per CPU-second ({polls} polls in {wall:.1f} s)")


if __name__ == "__main__":
    main()
