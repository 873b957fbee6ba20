"""Password logins per second through the real login form, against the argon2id limit.

    .venv/bin/python bench/login.py [--seconds 15] [--accounts 20] [--clients 2]

Starts `idp serve` (one gunicorn worker process, one thread, SQLite, the Settings' default
argon2id cost) on a loopback port, pinned to one core; creates the accounts; then client
threads (pinned to the other cores) log in as fresh browsers for --seconds: GET /login for the
CSRF token and cookie, POST the form, expect 303 to the account page. In the same run it
measures raw argon2id verifies per second with the same parameters on the server's core.
Each login costs exactly one argon2 verification, so the ratio says how much of the
hash-bound limit the rest of the login (pages, Store, audit, session) leaves. Target >= 85%.
"""

from __future__ import annotations

import argparse
import base64
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from argon2 import PasswordHasher, Type

from idp.settings import Settings

PASSWORD = "春天的杭州西湖 2024"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--clients", type=int, default=2)
    args = parser.parse_args()
    cores = sorted(os.sched_getaffinity(0))
    server_core, client_cores = cores[0], (cores[1:] or cores)
    with tempfile.TemporaryDirectory(prefix="yiwang-bench-") as folder:
        env = _environment(Path(folder))
        usernames = _create_accounts(env, args.accounts)
        port = _free_port()
        server = _start_server(env, port, server_core)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_ready(base)
            os.sched_setaffinity(0, client_cores)
            _login(requests.Session(), base, usernames[0])  # warm up (templates, keys)
            logins, elapsed = _drive(base, usernames, args.clients, args.seconds)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=20)
    os.sched_setaffinity(0, [server_core])
    hashes = _hashes_per_second(Settings(), seconds=min(10.0, args.seconds))
    rate = logins / elapsed
    print(f"machine       {_cpu_model()}, {os.cpu_count()} cores "
          f"(server on core {server_core}, clients on {client_cores})")
    s = Settings()
    print(f"argon2id      m={s.argon2_memory_kib} KiB, t={s.argon2_time_cost}, "
          f"p={s.argon2_parallelism}")
    print(f"logins/s      {rate:.1f}  ({logins} logins in {elapsed:.1f} s, {args.clients} clients,"
          f" 1 gunicorn worker, SQLite)")
    print(f"hashes/s      {hashes:.1f}  (argon2id verify, one core)")
    print(f"ratio         {100 * rate / hashes:.0f}%  (target >= 85%)")


def _environment(folder: Path) -> dict[str, str]:
    kek = base64.b64encode(secrets.token_bytes(32)).decode()
    return {**os.environ, "IDP_DATA_DIR": str(folder), "IDP_KEK": kek,
            "IDP_DATABASE_URL": f"sqlite:///{folder / 'yiwang.db'}",
            "IDP_REDIS_URL": "", "IDP_STORE_PREFIX": "bench:"}


def _create_accounts(env: dict[str, str], count: int) -> list[str]:
    """Accounts created in-process at the default (real) argon2 cost."""
    from idp.accounts import service
    from idp.accounts.identity_numbers import id_number_check_char
    from idp.audit import SYSTEM_ACTOR
    from idp.services import Services

    services = Services.build(Settings.from_env(env))
    names = []
    try:
        for i in range(count):
            first17 = f"330106198503{1 + i % 28:02d}{i % 1000:03d}"[:17]
            service.create_person(
                services, SYSTEM_ACTOR, username=f"bench{i:04d}", password=PASSWORD,
                name="测试", id_number=first17 + id_number_check_char(first17), assurance_level=2,
            )
            names.append(f"bench{i:04d}")
    finally:
        services.db.dispose()
    return names


def _start_server(env: dict[str, str], port: int, core: int) -> subprocess.Popen:
    idp = Path(sys.executable).with_name("idp")
    command = ["taskset", "-c", str(core), str(idp), "serve", "--bind", f"127.0.0.1:{port}",
               "--workers", "1", "--threads", "1"]
    return subprocess.Popen(command, env={**env, "IDP_ISSUER": f"http://127.0.0.1:{port}"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_ready(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=1).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise SystemExit("the IdP did not start")


def _login(browser: requests.Session, base: str, username: str) -> None:
    form = browser.get(f"{base}/login", timeout=30)
    token = CSRF.search(form.text)[1]
    answer = browser.post(f"{base}/login", data={
        "csrf_token": token, "username": username, "password": PASSWORD,
    }, allow_redirects=False, timeout=30)
    if answer.status_code != 303 or not answer.headers["Location"].endswith("/account"):
        raise SystemExit(f"login failed: {answer.status_code} {answer.headers.get('Location')}")


def _drive(base: str, usernames: list[str], clients: int, seconds: float) -> tuple[int, float]:
    done = [0] * clients
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        i = n
        while time.monotonic() < stop:
            _login(requests.Session(), base, usernames[i % len(usernames)])  # a fresh browser
            done[n] += 1
            i += clients

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done), time.monotonic() - started


def _hashes_per_second(settings: Settings, seconds: float) -> float:
    hasher = PasswordHasher(time_cost=settings.argon2_time_cost,
                            memory_cost=settings.argon2_memory_kib,
                            parallelism=settings.argon2_parallelism, type=Type.ID)
    digest = hasher.hash(PASSWORD)
    hasher.verify(digest, PASSWORD)
    count, started = 0, time.monotonic()
    while time.monotonic() - started < seconds:
        hasher.verify(digest, PASSWORD)
        count += 1
    return count / (time.monotonic() - started)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    main()
