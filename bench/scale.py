"""Scale: login and userinfo latency at 10,000 and at 1,000,000 accounts, bytes per SSO session
in Redis, and roaming throughput of one node and of two behind HAProxy.

    .venv/bin/python bench/scale.py [--accounts 1000000] [--small 10000] [--samples 150]
                                    [--seconds 10] [--rounds 2] [--concurrency 8] [--keep]

Accounts are written to PostgreSQL databases of their own, ``scale_bench`` (--accounts) and
``scale_bench_small`` (--small), dropped and made again (``--keep`` leaves them), by COPY in
batches of 50,000 rows: real-name accounts with an ID number sealed and blind-indexed per
account as the service does, but all sharing ONE argon2id hash computed once at the Settings'
default cost (m=19 MiB, t=2): hashing a million passwords would take hours and says nothing
about lookups. An `idp serve` with default settings (1 worker, 4 threads, the real argon2 cost)
runs on each database and the local Redis; the timed requests alternate between the two, one
at a time, so both sizes see the same background load of a shared machine.

- login: a fresh browser GETs /login and POSTs the password form (the POST is timed), each as
  a different account drawn at random.
- userinfo: GET /userinfo with a Bearer token, tokens of 50 different accounts in turn.
- bytes per session: Redis MEMORY USAGE of the Store's entries per logged-in person, by kind
  (the SSO session once signed in to a relying party, its per-account index, the browser).
- throughput: the roaming flow of bench/oidc.py (authorize -> token -> userinfo, one node
  process load generator) through HAProxy to one node, then to two (each 1 worker), on the
  large database, alternated --rounds times.
Needs PostgreSQL and Redis on their usual loopback ports, haproxy, and node (bench/node).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack, contextmanager, redirect_stdout
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import requests
from machine import machine

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / "bench" / "node"
IDP = str(Path(sys.executable).with_name("idp"))
PG_SERVER = os.environ.get("IDP_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("IDP_BENCH_REDIS", "redis://127.0.0.1:6379/0")
PASSWORD = "春天的杭州西湖 2024"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
BATCH = 50_000
SITES = 20
COLUMNS = ("id", "username", "account_class", "password_hash", "must_change_password", "name",
           "id_number_sealed", "id_number_index", "assurance_level", "disabled", "created_at",
           "updated_at")
NAMES = ("王芳", "李伟", "张敏", "刘洋", "陈静", "杨磊", "赵丽", "黄强", "周婷", "吴军")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=150, help="logins timed per size")
    parser.add_argument("--seconds", type=float, default=10, help="per throughput run")
    parser.add_argument("--rounds", type=int, default=2, help="throughput runs per node count")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    workdir = Path(tempfile.mkdtemp(prefix="yiwang-scale-"))
    with scale_database("scale_bench_small", args.keep) as small_url, \
            scale_database("scale_bench", args.keep) as large_url:
        small = Population(workdir / "small", small_url, args.small)
        large = Population(workdir / "large", large_url, args.accounts)
        sites = large.fill()
        small.fill()
        try:
            sizes = measure_latency([small, large], args)
            report_latency(args, small, large, sizes)
            throughput(large.env, workdir, sites, args)
        finally:
            forget_sessions([small, large])


class Population:
    """One database of generated accounts, the environment of the nodes serving it, and what
    was measured on it."""

    def __init__(self, folder: Path, url: str, accounts: int) -> None:
        folder.mkdir(parents=True)
        self.url, self.accounts = url, accounts
        self.env = environment(folder, url)
        self.login: list[float] = []
        self.userinfo: list[float] = []
        self.cpu_per_login = 0.0

    def fill(self) -> list[dict]:
        """The accounts and the relying parties; returns the latter."""
        services = build_services(self.env)
        try:
            sites = seed_sites(services)
            started = time.monotonic()
            generate(services, self.url, self.accounts)
            size = analyze(self.url)
        finally:
            services.db.dispose()
        spent = time.monotonic() - started
        print(f"generated {self.accounts:,} accounts in {spent:.1f} s "
              f"({self.accounts / spent:,.0f} accounts/s, COPY in batches of {BATCH:,} rows, "
              "one shared argon2id hash, then VACUUM ANALYZE); the persons table with its "
              f"indexes: {size / 2**20:,.0f} MiB ({size / self.accounts:,.0f} bytes an account)",
              flush=True)
        return sites


# -- the databases and their accounts --------------------------------------------------------
@contextmanager
def scale_database(name: str, keep: bool):
    from sqlalchemy import create_engine, text

    from idp.db import Database

    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = f"{PG_SERVER}/{name}"
    database = Database(url)
    database.upgrade()
    database.dispose()
    try:
        yield url
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def environment(folder: Path, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDP_")}
    env.update(IDP_DATA_DIR=str(folder), IDP_DATABASE_URL=url, IDP_REDIS_URL=REDIS_URL,
               IDP_KEK=base64.b64encode(secrets.token_bytes(32)).decode(),
               IDP_STORE_PREFIX=f"scale{secrets.token_hex(3)}:",
               IDP_ISSUER="http://127.0.0.1:8000")
    return env


def build_services(env: dict[str, str]):
    from idp.bootstrap import prepare
    from idp.services import Services
    from idp.settings import Settings

    settings = Settings.from_env(env)
    with open(os.devnull, "w") as quiet, redirect_stdout(quiet):  # the admin's greeting
        prepare(settings)  # keys and the bootstrap administrator, as the first start would
    return Services.build(settings, upgrade=False)


def seed_sites(services) -> list[dict]:
    """Relying parties for the roaming flow (first-party: no consent page)."""
    from clients.registry import register_client
    from idp.audit import SYSTEM_ACTOR

    sites = []
    for n in range(SITES):
        redirect = f"http://127.0.0.1:9/site{n}/callback"
        client, secret = register_client(services, {
            "client_name": f"site {n}", "redirect_uris": [redirect], "first_party": True,
            "scope": "openid profile"}, SYSTEM_ACTOR)
        sites.append({"client_id": client.client_id, "client_secret": secret,
                      "redirect_uri": redirect})
    return sites


def username(i: int) -> str:
    return f"scale{i:07d}"


def id_number(i: int) -> str:
    """A distinct valid resident ID number per i: 1,000 serials per birth date."""
    from idp.accounts.identity_numbers import id_number_check_char

    born = date(1950, 1, 1) + timedelta(days=i // 1000)
    first17 = f"330106{born:%Y%m%d}{i % 1000:03d}"
    return first17 + id_number_check_char(first17)


def generate(services, url: str, count: int) -> None:
    """count accounts by COPY; every one with the same precomputed password hash."""
    import psycopg

    from idp.accounts.models import ID_NUMBER

    digest = services.passwords.hash(PASSWORD)  # once: argon2id at the Settings' cost
    seal, index = services.cipher.seal, services.blind_index
    now = datetime.now(UTC)
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        for first in range(0, count, BATCH):
            with conn.cursor() as cursor, cursor.copy(
                    f"COPY persons ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for i in range(first, min(first + BATCH, count)):
                    number = id_number(i)
                    copy.write_row((str(uuid.uuid4()), username(i), "person", digest, False,
                                    NAMES[i % len(NAMES)], seal(number, ID_NUMBER),
                                    index(number, ID_NUMBER), 2, False, now, now))
            conn.commit()


def analyze(url: str) -> int:
    """VACUUM ANALYZE the accounts; returns their table's bytes with its indexes."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE persons")
        return conn.execute("SELECT pg_total_relation_size('persons')").fetchone()[0]


# -- latency ---------------------------------------------------------------------------------
def measure_latency(populations: list[Population], args) -> dict[str, float]:
    """Logins, then userinfo requests, alternating between a node on each population, one
    request at a time; returns the Store's bytes per session measured on the last one."""
    with ExitStack() as stack:
        nodes = []
        for population in populations:
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            env = {**population.env, "IDP_ISSUER": base}
            pids = stack.enter_context(serving(env, [port]))
            nodes.append((population, base, pids, random.Random(population.accounts),
                          register_bench_client(env)))
        for population, base, _, rng, _ in nodes:
            for _ in range(5):  # warm up: templates, keys, pools
                log_in(base, requests.Session(), username(rng.randrange(population.accounts)))
        browsers: dict[str, list[requests.Session]] = {base: [] for _, base, *_ in nodes}
        cpu = {base: cpu_seconds(pids) for _, base, pids, *_ in nodes}
        for n in range(args.samples):
            for population, base, _, rng, _ in nodes[::1 if n % 2 else -1]:
                browser = requests.Session()
                name = username(rng.randrange(population.accounts))
                population.login.append(log_in(base, browser, name))
                browsers[base].append(browser)
        for population, base, pids, *_ in nodes:
            population.cpu_per_login = (cpu_seconds(pids) - cpu[base]) / args.samples
        tokens = {base: [access_token(base, b, client) for b in browsers[base][:50]]
                  for _, base, _, _, client in nodes}
        for n in range(args.samples * 2):
            for population, base, *_ in nodes[::1 if n % 2 else -1]:
                population.userinfo.append(userinfo(base, tokens[base][n % len(tokens[base])]))
        last_population, last_base, *_ = nodes[-1]
        sizes = session_bytes(last_population.env, browsers[last_base][:50])
    return sizes


def register_bench_client(env: dict[str, str]) -> dict:
    answer = subprocess.run(
        [IDP, "clients", "add", "--name", "latency", "--redirect-uri",
         "http://127.0.0.1:9/latency/callback", "--first-party", "--json"],
        env=env, capture_output=True, text=True, check=True)
    client = json.loads(answer.stdout)
    return {"client_id": client["client_id"], "client_secret": client["client_secret"],
            "redirect_uri": "http://127.0.0.1:9/latency/callback"}


def log_in(base: str, browser: requests.Session, name: str) -> float:
    """Seconds the password form's POST took."""
    form = browser.get(f"{base}/login", timeout=30)
    data = {"csrf_token": CSRF.search(form.text)[1], "username": name, "password": PASSWORD}
    started = time.perf_counter()
    answer = browser.post(f"{base}/login", data=data, allow_redirects=False, timeout=30)
    spent = time.perf_counter() - started
    if answer.status_code != 303:
        raise SystemExit(f"login of {name} answered {answer.status_code}")
    return spent


def userinfo(base: str, token: str) -> float:
    started = time.perf_counter()
    answer = requests.get(f"{base}/userinfo", timeout=30,
                          headers={"Authorization": f"Bearer {token}"})
    spent = time.perf_counter() - started
    if answer.status_code != 200:
        raise SystemExit(f"userinfo answered {answer.status_code}: {answer.text[:200]}")
    return spent


def access_token(base: str, browser: requests.Session, client: dict) -> str:
    """The browser (with its SSO session) signs in to the client: the code flow's token."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    answer = browser.get(f"{base}/authorize", allow_redirects=False, timeout=30, params={
        "response_type": "code", "client_id": client["client_id"], "scope": "openid profile",
        "redirect_uri": client["redirect_uri"], "state": "s", "nonce": "n",
        "code_challenge": challenge, "code_challenge_method": "S256"})
    code = re.search(r"[?&]code=([^&]+)", answer.headers["Location"])[1]
    tokens = requests.post(f"{base}/token", timeout=30, auth=(client["client_id"],
                           client["client_secret"]), data={
        "grant_type": "authorization_code", "code": code, "code_verifier": verifier,
        "redirect_uri": client["redirect_uri"]}).json()
    return tokens["access_token"]


def session_bytes(env: dict[str, str], browsers: list[requests.Session]) -> dict[str, float]:
    """Median MEMORY USAGE (bytes) of the Store's entries of these logged-in browsers, by
    kind of key (the part of its name before the last ':')."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    prefix = env["IDP_STORE_PREFIX"]
    sids = {browser.cookies["yiwang_sso"].split(".")[0] for browser in browsers}
    by_kind: dict[str, list[int]] = {}
    for key in client.scan_iter(match=f"*{prefix}*", count=1000):
        name = key.decode().split(prefix, 1)[-1].strip("{}")
        kind, _, rest = name.rpartition(":")
        kind = kind or rest
        if kind == "sso" and rest not in sids:
            continue  # the warm-up's sessions never signed in to a relying party
        by_kind.setdefault(kind, []).append(client.memory_usage(key) or 0)
    return {kind: statistics.median(sizes) for kind, sizes in sorted(by_kind.items())
            if kind != "readyz"}


def forget_sessions(populations: list[Population]) -> None:
    """Delete the run's Store keys from the shared Redis (sessions would linger for hours)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for population in populations:
        prefix = population.env["IDP_STORE_PREFIX"]
        for key in client.scan_iter(match=f"*{prefix}*", count=1000):
            client.delete(key)


def report_latency(args, small: Population, large: Population, sizes: dict) -> None:
    print(f"\nlatency, one request at a time, alternating between the sizes ({args.samples} "
          f"logins, {args.samples * 2} userinfo each; a node of 1 worker, 4 threads, default "
          "argon2id per size)")
    print(f"{'':<10}{small.accounts:>16,} accounts{large.accounts:>18,} accounts"
          f"{'ratio':>10}")
    verdict = True
    for name in ("login", "userinfo"):
        a, b = summary(getattr(small, name)), summary(getattr(large, name))
        verdict = verdict and b[0] <= 1.2 * a[0]
        print(f"{name:<10}{a[0]:>10.1f} / {a[1]:>5.1f} ms{b[0]:>12.1f} / {b[1]:>5.1f} ms"
              f"{b[0] / a[0]:>8.2f}x / {b[1] / a[1]:.2f}x   (median / p95)")
    print(f"target: medians at {large.accounts:,} within 1.2x of {small.accounts:,}: "
          f"{'met' if verdict else 'NOT met'}")
    print(f"server CPU per login (form + POST): {1000 * small.cpu_per_login:.1f} ms at "
          f"{small.accounts:,}, {1000 * large.cpu_per_login:.1f} ms at {large.accounts:,} "
          f"(~{1 / large.cpu_per_login:.0f} logins per CPU-second)")
    print("\nRedis MEMORY USAGE per logged-in person, median bytes by key (the session signed "
          "in to one relying party): " + ", ".join(f"{k} {v:.0f}" for k, v in sizes.items()))
    session = sizes.get("sso", 0) + sizes.get("sso-account", 0)
    print(f"bytes per SSO session (sso + sso-account): {session:.0f} (goal under 1,024)")


def summary(samples: list[float]) -> tuple[float, float]:
    """(median, p95) in milliseconds."""
    ordered = sorted(samples)
    return (1000 * statistics.median(ordered),
            1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))])


# -- throughput through HAProxy --------------------------------------------------------------
HAPROXY_CFG = """\
global
    maxconn 1024
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    retries 2
    option redispatch 1
    option forwardfor
frontend idp
    bind 127.0.0.1:{port}
    default_backend nodes
backend nodes
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 1s fall 2 rise 2
{servers}
"""


def throughput(env: dict[str, str], workdir: Path, sites: list[dict], args) -> None:
    if not (NODE_DIR / "node_modules" / "oidc-provider").exists():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=NODE_DIR,
                       check=True)
    balancer_port = free_port()
    base = f"http://127.0.0.1:{balancer_port}"
    runs: dict[int, list[tuple[int, float, int, float]]] = {1: [], 2: []}
    for _ in range(args.rounds):
        for count in (1, 2):
            ports = [free_port() for _ in range(count)]
            node_env = {**env, "IDP_ISSUER": base, "IDP_TRUSTED_PROXIES": "1"}
            with serving(node_env, ports) as pids, haproxy(workdir, balancer_port, ports):
                runs[count].append(roam(base, sites, session_cookie(base), args, workdir, pids))
    print(f"\nroaming flows through HAProxy ({args.concurrency} concurrent, {args.rounds} x "
          f"{args.seconds:.0f} s each; authorize -> token -> userinfo counts once; nodes of "
          "1 worker, 4 threads)")
    rates = {}
    for count, results in runs.items():
        flows, seconds = sum(r[0] for r in results), sum(r[1] for r in results)
        errors, cpu = sum(r[2] for r in results), sum(r[3] for r in results)
        rates[count] = flows / seconds
        print(f"  {count} node{'s' if count > 1 else ' '}  {rates[count]:>7.1f} flows/s   "
              f"{flows / cpu:>6.1f} flows per node CPU-second   errors {errors}")
    print(f"  2 nodes / 1 node: {rates[2] / rates[1]:.2f}x (all on {os.cpu_count()} cores: the "
          "load generator, HAProxy, PostgreSQL and Redis too)")


@contextmanager
def haproxy(workdir: Path, port: int, ports: list[int]):
    servers = "\n".join(f"    server n{i} 127.0.0.1:{p} check" for i, p in enumerate(ports))
    path = workdir / "haproxy.cfg"
    path.write_text(HAPROXY_CFG.format(port=port, servers=servers))
    process = subprocess.Popen(["haproxy", "-db", "-f", str(path)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/readyz")
        time.sleep(2.5)  # every server passes its first health checks (rise 2, inter 1 s)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def session_cookie(base: str) -> str:
    browser = requests.Session()
    log_in(base, browser, username(0))
    return "; ".join(f"{c.name}={c.value}" for c in browser.cookies)


def roam(base, sites, cookie, args, workdir: Path, pids) -> tuple[int, float, int, float]:
    """(flows, seconds, errors, node CPU seconds) of bench/node/load.mjs's roaming scenario."""
    endpoints = requests.get(f"{base}/.well-known/openid-configuration", timeout=10).json()
    config = {"scenario": "roam", "base": base, "seconds": args.seconds,
              "concurrency": args.concurrency, "cookie": cookie, "endpoints": endpoints,
              "cc_scope": "", "clients": sites, "introspect_params": {}}
    path = workdir / "load-roam.json"
    path.write_text(json.dumps(config))
    cpu = cpu_seconds(pids)
    out = subprocess.run(["node", str(NODE_DIR / "load.mjs"), str(path)], capture_output=True,
                         text=True, check=True)
    cpu = cpu_seconds(pids) - cpu
    result = json.loads(out.stdout)
    return result["requests"], result["seconds"], result["errors"], cpu


# -- processes -------------------------------------------------------------------------------
@contextmanager
def serving(env: dict[str, str], ports: list[int]):
    """`idp serve` nodes (1 worker, 4 threads: the defaults) on ports; yields their PIDs."""
    processes = [subprocess.Popen([IDP, "serve", "--bind", f"127.0.0.1:{port}", "--workers",
                                   "1", "--threads", "4"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
                 for port in ports]
    try:
        for port in ports:
            wait_for(f"http://127.0.0.1:{port}/readyz")
        yield [p.pid for p in processes]
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes and their children (the servers' workers)."""
    wanted, total = {str(p) for p in pids}, 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name in wanted or fields[1] in wanted:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer 200 within {seconds} s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]




if __name__ == "__main__":
    main()
