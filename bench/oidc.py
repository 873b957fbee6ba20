"""OIDC throughput: Yiwang next to node oidc-provider, one server process each, same load.

    .venv/bin/python bench/oidc.py [--seconds 10] [--concurrency 8] [--skip-pg]

Scenarios (requests per second; a roaming flow counts once though it is four requests):
  roam        a browser with an SSO session signs in to a site it has not used yet:
              authorize -> code -> token -> userinfo
  cc          client-credentials tokens (ES256 JWT access tokens on both sides)
  introspect  RFC 7662 introspection of a JWT access token
  discovery   the OpenID configuration document
The load generator is one node process (bench/node/load.mjs) for both servers, so both see the
same client. Then Yiwang again on PostgreSQL + Redis with two gunicorn workers.
Needs `npm install` in bench/node (done by this script) and the local PostgreSQL and Redis.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / "bench" / "node"
IDP = str(ROOT / ".venv" / "bin" / "idp")
PASSWORD = "correct horse battery staple 7"  # noqa: S105 - a benchmark account
SCENARIOS = ("roam", "cc", "introspect", "discovery")
SITES = 20  # relying parties the roaming browser visits in turn
THREADS = 4  # per gunicorn worker
_PIDS: dict[str, int] = {}  # base URL -> server process, to read its CPU time
# node's provider logs nothing per request either; production keeps gunicorn's access log.
SERVE_FLAGS = ["--no-access-log"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if requests.get(url, timeout=1).status_code < 500:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by a server process and its children (gunicorn's workers)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def machine() -> str:
    model = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor())
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


# -- Yiwang ----------------------------------------------------------------------------------
def yiwang_env(data_dir: Path, port: int, database_url: str = "", redis_url: str = "") -> dict:
    env = dict(os.environ)
    env.update(
        IDP_ISSUER=f"http://127.0.0.1:{port}", IDP_DATA_DIR=str(data_dir),
        IDP_KEK=base64.b64encode(secrets.token_bytes(32)).decode(),
        IDP_DATABASE_URL=database_url, IDP_REDIS_URL=redis_url,
        IDP_STORE_PREFIX=f"bench{secrets.token_hex(3)}:",
    )
    return env


def idp(env: dict, *args: str, stdin: str | None = None) -> dict:
    out = subprocess.run([IDP, *args], env=env, input=stdin, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout) if "--json" in args else {}


def seed_yiwang(env: dict) -> tuple[list[dict], dict]:
    idp(env, "users", "add-person", "--username", "bench", "--password-stdin", "--name", "张三",
        "--id-number", "11010519491231002X", "--json", stdin=PASSWORD)
    sites = []
    for n in range(SITES):
        redirect = f"http://127.0.0.1:9/site{n}/callback"
        client = idp(env, "clients", "add", "--name", f"site {n}", "--redirect-uri", redirect,
                     "--first-party", "--json")
        sites.append({"client_id": client["client_id"], "client_secret": client["client_secret"],
                      "redirect_uri": redirect})
    api = idp(env, "clients", "add", "--name", "department api", "--redirect-uri",
              "http://127.0.0.1:9/api/cb", "--client-credentials",
              "--scope", "api", "--first-party", "--json")
    return sites, {"client_id": api["client_id"], "client_secret": api["client_secret"],
                   "redirect_uri": "http://127.0.0.1:9/api/cb"}


def yiwang_session_cookie(base: str) -> str:
    browser = requests.Session()
    page = browser.get(f"{base}/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    browser.post(f"{base}/login", data={"csrf_token": csrf, "username": "bench",
                                        "password": PASSWORD}, allow_redirects=False)
    return "; ".join(f"{c.name}={c.value}" for c in browser.cookies)


@contextmanager
def yiwang_server(env: dict, port: int, workers: int):
    # gthread workers: threads share the GIL (no extra CPU) but keep connections alive, as
    # node does; gunicorn's sync worker closes each one and the load client pays a reconnect.
    proc = subprocess.Popen([IDP, "serve", "--bind", f"127.0.0.1:{port}", "--workers",
                             str(workers), "--threads", str(THREADS), *SERVE_FLAGS], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        _PIDS[f"http://127.0.0.1:{port}"] = proc.pid
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=15)


# -- node oidc-provider ----------------------------------------------------------------------
@contextmanager
def node_server(port: int, sites: list[dict], api: dict, workdir: Path):
    clients = [
        {"client_id": s["client_id"], "client_secret": s["client_secret"],
         "redirect_uris": [s["redirect_uri"]], "grant_types": ["authorization_code"],
         "response_types": ["code"]} for s in sites
    ] + [{"client_id": api["client_id"], "client_secret": api["client_secret"],
          "redirect_uris": [api["redirect_uri"]], "grant_types": ["client_credentials"],
          "response_types": [], "scope": "api"}]
    path = workdir / "node-clients.json"
    path.write_text(json.dumps(clients))
    proc = subprocess.Popen(["node", str(NODE_DIR / "provider.mjs"), str(port), str(path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/.well-known/openid-configuration")
        _PIDS[f"http://127.0.0.1:{port}"] = proc.pid
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def node_session_cookie(base: str, site: dict) -> str:
    browser = requests.Session()
    url = f"{base}/auth?" + requests.compat.urlencode({
        "client_id": site["client_id"], "response_type": "code", "scope": "openid profile",
        "redirect_uri": site["redirect_uri"], "code_challenge": "x" * 43,
        "code_challenge_method": "S256"})
    for _ in range(6):
        response = browser.get(url, allow_redirects=False)
        url = requests.compat.urljoin(url, response.headers.get("location", ""))
        if url.startswith(site["redirect_uri"]):
            break
    return "; ".join(f"{c.name}={c.value}" for c in browser.cookies)


# -- running the load ------------------------------------------------------------------------
def measure(base: str, scenario: str, sites: list[dict], api: dict, cookie: str,
            seconds: float, concurrency: int, workdir: Path,
            introspect_params=None) -> tuple[float, float]:
    """Requests per second, and the server's CPU milliseconds per request: the machine is
    shared, so the second figure is the steadier one for comparing the two servers."""
    endpoints = requests.get(f"{base}/.well-known/openid-configuration", timeout=5).json()
    config = {"scenario": scenario, "base": base, "seconds": seconds,
              "concurrency": concurrency, "cookie": cookie, "endpoints": endpoints,
              "cc_scope": "api", "clients": sites if scenario == "roam" else [api],
              "introspect_params": introspect_params or {}}
    path = workdir / f"load-{scenario}.json"
    path.write_text(json.dumps(config))
    cpu_before = server_cpu(_PIDS[base])
    out = subprocess.run(["node", str(NODE_DIR / "load.mjs"), str(path)], capture_output=True,
                         text=True, check=True)
    cpu = server_cpu(_PIDS[base]) - cpu_before
    result = json.loads(out.stdout)
    if result["errors"]:
        print(f"    {scenario} at {base}: {result['errors']} errors, last: "
              f"{result['last_error']}", file=sys.stderr)
    return result["requests"] / result["seconds"], 1000 * cpu / max(result["requests"], 1)


def run_all(base, sites, api, cookie, args, workdir,
            introspect_params=None) -> dict[str, tuple[float, float]]:
    return {s: measure(base, s, sites, api, cookie, args.seconds, args.concurrency, workdir,
                       introspect_params) for s in SCENARIOS}


@contextmanager
def postgres_database():
    from sqlalchemy import create_engine, text

    server = os.environ.get("IDP_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
    name = f"yiwang_bench_{secrets.token_hex(3)}"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{server}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()
    if not (NODE_DIR / "node_modules" / "oidc-provider").exists():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=NODE_DIR,
                       check=True)
    workdir = Path(tempfile.mkdtemp(prefix="yiwang-bench-"))
    print(f"machine: {machine()}; {args.seconds:.0f} s per scenario, "
          f"{args.concurrency} concurrent requests, load from one node process")
    try:
        port = free_port()
        env = yiwang_env(workdir / "sqlite", port)
        sites, api = seed_yiwang(env)
        with yiwang_server(env, port, workers=1) as base:
            ours = run_all(base, sites, api, yiwang_session_cookie(base), args, workdir)
        node_port = free_port()
        with node_server(node_port, sites, api, workdir) as base:
            # node cannot introspect JWTs: its introspection runs on an opaque token.
            theirs = run_all(base, sites, api, node_session_cookie(base, sites[0]), args, workdir,
                             {"resource": "urn:yiwang:bench-opaque-api"})
        rows = [("Yiwang, SQLite, 1 worker", ours)]
        if not args.skip_pg:
            with postgres_database() as url:
                port = free_port()
                env = yiwang_env(workdir / "pg", port, url, "redis://127.0.0.1:6379/0")
                sites_pg, api_pg = seed_yiwang(env)
                with yiwang_server(env, port, workers=2) as base:
                    cookie = yiwang_session_cookie(base)
                    rows.append(("Yiwang, PostgreSQL + Redis, 2 workers",
                                 run_all(base, sites_pg, api_pg, cookie, args, workdir)))
        print_table(rows, theirs)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def print_table(rows: list[tuple[str, dict]], node: dict) -> None:
    print(f"\n{'scenario':<12}{'node oidc-provider':>20}", end="")
    for label, _ in rows:
        print(f" | {label:>38}", end="")
    print()
    for scenario in SCENARIOS:
        print(f"{scenario:<12}{node[scenario][0]:>14.0f} req/s", end="")
        for _, figures in rows:
            value = figures[scenario][0]
            print(f" | {value:>20.0f} req/s  ratio {value / node[scenario][0]:>5.2f}", end="")
        print()
    print("\nserver CPU per operation (ms, all of a server's processes; a roaming flow counts"
          " once): steadier than req/s on a shared machine")
    for scenario in SCENARIOS:
        print(f"{scenario:<12}{node[scenario][1]:>17.2f} ms", end="")
        for _, figures in rows:
            value = figures[scenario][1]
            print(f" | {value:>23.2f} ms  x{value / node[scenario][1]:>5.1f}", end="")
        print()


if __name__ == "__main__":
    main()
