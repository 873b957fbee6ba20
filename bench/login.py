"""Password logins per second through the real login form, against the argon2id limit.

    .venv/bin/python bench/login.py [--seconds 15] [--accounts 20] [--clients 4]
                                    [--server granian|gunicorn]

Starts `idp serve` (one worker process, one thread, SQLite, the Settings' default
argon2id cost) on a loopback port, pinned to one core; creates the accounts; then client
threads (pinned to the other cores) log in as fresh browsers for --seconds: GET /login for the
CSRF token and cookie, POST the form, expect 303 to the account page. In the same run it
measures raw argon2id verifies per second with the same parameters on the server's core, in
phases alternating with the logins (the machine may be shared).
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
    parser.add_argument("--clients", type=int, default=4)  # keeps the one worker busy
    parser.add_argument("--server", choices=("granian", "gunicorn"), default="granian")
    args = parser.parse_args()
    cores = sorted(os.sched_getaffinity(0))
    server_core, client_cores = cores[0], (cores[1:] or cores)
    settings = Settings()
    logins, login_time, hashes, hash_time = 0, 0.0, 0, 0.0
    server_cpu, hash_cpu = 0.0, 0.0
    with tempfile.TemporaryDirectory(prefix="yiwang-bench-") as folder:
        env = _environment(Path(folder))
        usernames = _create_accounts(env, args.accounts)
        port = _free_port()
        server = _start_server(env, port, server_core, args.server)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_ready(base)
            for name in usernames[:3]:  # warm up (templates, keys, connections)
                _login(requests.Session(), base, name)
            worker = _worker_pid(server.pid)
            # The machine is shared: alternate short phases of logins and of raw hashing on
            # the same core, so both figures see the same background load.
            rounds = max(1, round(args.seconds / 5))
            for _ in range(rounds):
                os.sched_setaffinity(0, [server_core])
                cpu = time.thread_time()
                count, spent = _hashes(settings, seconds=2.0)
                hashes, hash_time = hashes + count, hash_time + spent
                hash_cpu += time.thread_time() - cpu
                os.sched_setaffinity(0, client_cores)
                cpu = _cpu_seconds(worker)
                count, spent = _drive(base, usernames, args.clients, args.seconds / rounds)
                logins, login_time = logins + count, login_time + spent
                server_cpu += _cpu_seconds(worker) - cpu
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=20)
    rate, hash_rate = logins / login_time, hashes / hash_time
    print(f"machine       {_cpu_model()}, {os.cpu_count()} cores "
          f"(server on core {server_core}, clients on {client_cores})")
    print(f"argon2id      m={settings.argon2_memory_kib} KiB, t={settings.argon2_time_cost}, "
          f"p={settings.argon2_parallelism} (Settings defaults)")
    print(f"logins/s      {rate:.1f}  ({logins} logins in {login_time:.1f} s, {args.clients} "
          f"clients, 1 {args.server} worker, SQLite)")
    print(f"hashes/s      {hash_rate:.1f}  ({hashes} argon2id verifies in {hash_time:.1f} s, "
          "one core)")
    print(f"ratio         {100 * rate / hash_rate:.0f}%  (target >= 85%)")
    # On a shared machine wall-clock rates include other people's work; CPU seconds do not.
    cpu_rate, cpu_hash_rate = logins / server_cpu, hashes / hash_cpu
    print(f"per CPU-second: logins {cpu_rate:.1f} (server worker), hashes {cpu_hash_rate:.1f}"
          f" -> ratio {100 * cpu_rate / cpu_hash_rate:.0f}%")


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


def _start_server(env: dict[str, str], port: int, core: int, front: str) -> subprocess.Popen:
    idp = Path(sys.executable).with_name("idp")
    command = ["taskset", "-c", str(core), str(idp), "serve", "--bind", f"127.0.0.1:{port}",
               "--workers", "1", "--threads", "1", "--server", front, "--no-access-log"]
    return subprocess.Popen(command, env={**env, "IDP_ISSUER": f"http://127.0.0.1:{port}"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_ready(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=1).ok:
                return
        except requests.RequestException:  # not listening yet, or its worker still starting
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


def _hashes(settings: Settings, seconds: float) -> tuple[int, float]:
    """(verifies done, seconds spent) of argon2id at the settings' cost."""
    hasher = PasswordHasher(time_cost=settings.argon2_time_cost,
                            memory_cost=settings.argon2_memory_kib,
                            parallelism=settings.argon2_parallelism, type=Type.ID)
    digest = hasher.hash(PASSWORD)
    count, started = 0, time.monotonic()
    while time.monotonic() - started < seconds:
        hasher.verify(digest, PASSWORD)
        count += 1
    return count, time.monotonic() - started


def _worker_pid(master: int) -> int:
    """The worker: the only child of the serving process."""
    for task in Path(f"/proc/{master}/task").iterdir():
        children = (task / "children").read_text().split()
        if children:
            return int(children[0])
    raise SystemExit("no worker found")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (fields 14 and 15 of /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
