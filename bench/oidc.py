"""OIDC throughput: Yiwang next to node oidc-provider, one worker process each, same load.

    .venv/bin/python bench/oidc.py [--seconds 10] [--concurrency 8] [--skip-pg] [--only roam ...]
                                   [--server granian|gunicorn|both]

Scenarios (a roaming flow counts once though it is four requests):
  roam        a browser with an SSO session signs in to a site it has not used yet:
              authorize -> code -> token -> userinfo
  cc          client-credentials tokens (ES256 JWT access tokens on both sides)
  introspect  RFC 7662 introspection of a JWT access token
  discovery   the OpenID configuration document
  jwks        the signing keys (JWKS)
The figure compared is requests per CPU-second: requests served divided by the CPU time the
server's processes used meanwhile (/proc), so other work on a shared machine does not count.
Each scenario's ratio Yiwang / node is set against issue 16's target. The load generator is one
node process (bench/node/load.mjs) for both servers, so both see the same client. Yiwang runs
with the default settings a deployment gets (SQLite, one worker, 4 threads) except the access
log, off as node logs nothing per request; then again on PostgreSQL + Redis with two workers.
Needs `npm install` in bench/node (done by this script) and the local PostgreSQL and Redis.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
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
from machine import machine

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / "bench" / "node"
IDP = str(ROOT / ".venv" / "bin" / "idp")
PASSWORD = "correct horse battery staple 7"  # noqa: S105 - a benchmark account
SCENARIOS = ("discovery", "jwks", "cc", "introspect", "roam")
# Issue 16: Yiwang's requests per CPU-second over node oidc-provider's, at least.
TARGETS = {"discovery": 1.0, "jwks": 1.0, "cc": 0.6, "introspect": 0.6, "roam": 0.5}
SITES = 20  # relying parties the roaming browser visits in turn
THREADS = 4  # per worker: idp serve's default
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
        except requests.RequestException:  # not listening yet, or its workers still starting
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
    # A department's back end: client credentials with the scopes the IdP gives by default
    # (Yiwang defines no API scopes; node's "api" is a resource server's).
    api = idp(env, "clients", "add", "--name", "department api", "--redirect-uri",
              "http://127.0.0.1:9/api/cb", "--client-credentials", "--first-party", "--json")
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
def yiwang_server(env: dict, port: int, workers: int, server: str):
    proc = subprocess.Popen([IDP, "serve", "--bind", f"127.0.0.1:{port}", "--workers",
                             str(workers), "--threads", str(THREADS), "--server", server,
                             *SERVE_FLAGS], env=env,
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
            introspect_params=None, cc_scope: str = "") -> tuple[float, float]:
    """(requests per wall second, requests per CPU-second of the server's processes): the
    machine is shared, so the second figure is the one that compares the two servers."""
    endpoints = requests.get(f"{base}/.well-known/openid-configuration", timeout=5).json()
    config = {"scenario": scenario, "base": base, "seconds": seconds,
              "concurrency": concurrency, "cookie": cookie, "endpoints": endpoints,
              "cc_scope": cc_scope, "clients": sites if scenario == "roam" else [api],
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
    return result["requests"] / result["seconds"], result["requests"] / max(cpu, 1e-9)


def run_all(base, sites, api, cookie, args, workdir,
            introspect_params=None, cc_scope: str = "") -> dict[str, tuple[float, float]]:
    return {s: measure(base, s, sites, api, cookie, args.seconds, args.concurrency, workdir,
                       introspect_params, cc_scope) for s in SCENARIOS if s in args.only}


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
    parser.add_argument("--only", nargs="+", choices=SCENARIOS, default=list(SCENARIOS),
                        metavar="SCENARIO", help="run only these scenarios (e.g. --only roam)")
    parser.add_argument("--server", choices=("granian", "gunicorn", "both"), default="granian",
                        help="idp serve's HTTP front; both: one after the other, same node run")
    args = parser.parse_args()
    servers = ("granian", "gunicorn") if args.server == "both" else (args.server,)
    if not (NODE_DIR / "node_modules" / "oidc-provider").exists():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=NODE_DIR,
                       check=True)
    workdir = Path(tempfile.mkdtemp(prefix="yiwang-bench-"))
    print(f"machine: {machine(node=True)}")
    print(f"load: {args.seconds:g} s per scenario, {args.concurrency} concurrent requests from "
          f"one node process; Yiwang: idp serve --workers 1 --threads {THREADS} "
          f"--no-access-log, default settings (SQLite); node oidc-provider: one process, "
          "in-memory storage")
    try:
        rows = []
        port = free_port()
        env = yiwang_env(workdir / "sqlite", port)
        sites, api = seed_yiwang(env)
        for server in servers:
            with yiwang_server(env, port, 1, server) as base:
                rows.append((f"Yiwang {server}, SQLite, 1 worker",
                             run_all(base, sites, api, yiwang_session_cookie(base), args,
                                     workdir)))
        node_port = free_port()
        with node_server(node_port, sites, api, workdir) as base:
            # node cannot introspect JWTs: its introspection runs on an opaque token.
            theirs = run_all(base, sites, api, node_session_cookie(base, sites[0]), args, workdir,
                             {"resource": "urn:yiwang:bench-opaque-api"}, cc_scope="api")
        if not args.skip_pg:
            with postgres_database() as url:
                port = free_port()
                env = yiwang_env(workdir / "pg", port, url, "redis://127.0.0.1:6379/0")
                sites_pg, api_pg = seed_yiwang(env)
                for server in servers:
                    with yiwang_server(env, port, 2, server) as base:
                        cookie = yiwang_session_cookie(base)
                        rows.append((f"Yiwang {server}, PostgreSQL + Redis, 2 workers",
                                     run_all(base, sites_pg, api_pg, cookie, args, workdir)))
        print_table(rows, theirs)
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"\nload average at the end (1, 5, 15 min): {load} on {os.cpu_count()} cores")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def print_table(rows: list[tuple[str, dict]], node: dict) -> None:
    print("\nrequests per CPU-second of the server's processes (a roaming flow counts once); "
          "req/s in brackets")
    for label, figures in rows:
        print(f"\n{label} vs node oidc-provider")
        print(f"{'scenario':<12}{'node':>16}{'Yiwang':>16}{'ratio':>8}{'target':>8}  met")
        for scenario in (s for s in SCENARIOS if s in node):
            theirs, ours = node[scenario], figures[scenario]
            ratio = ours[1] / theirs[1]
            met = "met" if ratio >= TARGETS[scenario] else "NOT MET"
            print(f"{scenario:<12}{theirs[1]:>7.0f} ({theirs[0]:>5.0f}){ours[1]:>7.0f} "
                  f"({ours[0]:>5.0f}){ratio:>7.2f}x{TARGETS[scenario]:>7.1f}x  {met}")


if __name__ == "__main__":
    main()
