"""Slow clients: do connections that trickle their request delay everyone else?

    .venv/bin/python bench/slow_clients.py [--server granian|gunicorn] [--heads 100]
                                           [--bodies 0] [--seconds 20] [--workers 2]

Starts `idp serve` (SQLite) and opens --heads connections that each send their request head one
byte a second (Slowloris) and --bodies that send a complete head announcing a body, then the
body one byte a second. Meanwhile one client asks for the discovery document in a loop. It
prints the normal requests' latency (median, worst), how many failed, and when the server
closed the trickling connections (heads: `idp serve --header-timeout`).
"""

from __future__ import annotations

import argparse
import base64
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
IDP = str(ROOT / ".venv" / "bin" / "idp")
HEAD = b"GET /.well-known/openid-configuration HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
BODY_HEAD = (b"POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
             b"\r\nContent-Length: 400\r\n\r\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def trickle(port: int, first: bytes, drip: bytes, stop: threading.Event, closed: list) -> None:
    """Send first at once, then drip one byte a second until stop or the server hangs up."""
    started = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(first)
            for byte in drip:
                if stop.wait(1.0):
                    return
                sock.sendall(bytes([byte]))
    except OSError:
        closed.append(time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", choices=("granian", "gunicorn"), default="granian")
    parser.add_argument("--heads", type=int, default=100)
    parser.add_argument("--bodies", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--header-timeout", type=float, default=10)
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    folder = tempfile.mkdtemp(prefix="yiwang-slow-")
    env = {**os.environ, "IDP_DATA_DIR": folder, "IDP_ISSUER": base, "IDP_DATABASE_URL": "",
           "IDP_REDIS_URL": "", "IDP_KEK": base64.b64encode(secrets.token_bytes(32)).decode()}
    server = subprocess.Popen(
        [IDP, "serve", "--bind", f"127.0.0.1:{port}", "--server", args.server, "--workers",
         str(args.workers), "--threads", str(args.threads), "--header-timeout",
         str(args.header_timeout), "--no-access-log"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(base)
        stop, closed = threading.Event(), []
        kinds = [(b"", HEAD)] * args.heads + [(BODY_HEAD, b"x" * 400)] * args.bodies
        slow = [threading.Thread(target=trickle, args=(port, *kind, stop, closed), daemon=True)
                for kind in kinds]
        for thread in slow:
            thread.start()
        time.sleep(1.5)  # every slow connection is open and has sent something
        latencies, failures = [], 0
        deadline = time.monotonic() + args.seconds
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                ok = requests.get(f"{base}/.well-known/openid-configuration", timeout=60).ok
            except requests.RequestException:
                ok = False
            latencies.append(time.monotonic() - started)
            failures += not ok
            time.sleep(0.05)
        stop.set()
        for thread in slow:
            thread.join(timeout=5)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"server        {args.server}, {args.workers} workers x {args.threads} threads, "
          f"header timeout {args.header_timeout:g} s; "
          f"{os.cpu_count()} cores")
    print(f"slow clients  {args.heads} trickling the head, {args.bodies} the body, 1 byte/s")
    print(f"normal reqs   {len(latencies)} in {args.seconds:.0f} s, {failures} failed; latency "
          f"median {1000 * statistics.median(latencies):.0f} ms, worst "
          f"{1000 * max(latencies):.0f} ms")
    if closed:
        print(f"server hung up on {len(closed)} slow connections, after "
              f"{min(closed):.1f}-{max(closed):.1f} s")
    else:
        print("server hung up on no slow connection")


def wait_ready(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=1).ok:
                return
        except requests.RequestException:  # not listening yet, or busy starting
            time.sleep(0.2)
    sys.exit("the IdP did not start")


if __name__ == "__main__":
    main()
