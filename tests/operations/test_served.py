"""The figures and the logs of a real `idp serve` with several worker processes: counters add up
whichever worker answers the request and whichever answers the scrape, IDP_METRICS_BIND serves
on its own port only, and JSON log lines carry the id the response header carried."""

from __future__ import annotations

import json
import time

import pytest
import requests

from tests.conftest import free_port
from tests.operations.operations_helpers import TOKEN, parse, value

BEARER = {"Authorization": f"Bearer {TOKEN}"}
N = 30
SERVERS = ["granian", "gunicorn"]


def fresh_get(url: str, **kwargs) -> requests.Response:
    # A new connection each time, so the requests spread over the workers.
    return requests.get(url, headers={"Connection": "close", **kwargs.pop("headers", {})},
                        timeout=10, **kwargs)


def health_count(text: str) -> float:
    return value(parse(text), "yiwang_request_duration_seconds_count",
                 endpoint="/healthz", method="GET", status="2xx")


@pytest.mark.parametrize("server", SERVERS)
def test_counts_add_up_across_worker_processes(serve_workers, idp_env, server):
    base, _ = serve_workers(idp_env(IDP_METRICS_TOKEN=TOKEN), 2, "--server", server)
    first = health_count(fresh_get(f"{base}/metrics", headers=BEARER).text)
    for _ in range(N):
        assert fresh_get(f"{base}/healthz").status_code == 200
    # Whichever worker answers a scrape, it reports every worker's requests.
    for _ in range(6):
        scrape = fresh_get(f"{base}/metrics", headers=BEARER)
        assert scrape.status_code == 200
        assert health_count(scrape.text) == first + N


def test_metrics_bind_serves_on_its_own_port_and_not_on_the_main_one(serve_workers, idp_env):
    port = free_port()
    base, _ = serve_workers(idp_env(IDP_METRICS_TOKEN=TOKEN,
                                    IDP_METRICS_BIND=f"127.0.0.1:{port}"), 2)
    own = f"http://127.0.0.1:{port}/metrics"
    for _ in range(N):
        fresh_get(f"{base}/healthz")
    assert fresh_get(f"{base}/metrics", headers=BEARER).status_code == 404
    assert fresh_get(own).status_code == 401
    answer = fresh_get(own, headers=BEARER)
    assert answer.status_code == 200
    assert health_count(answer.text) >= N  # the workers' figures, read from the serving process
    assert fresh_get(f"http://127.0.0.1:{port}/healthz").status_code == 404


@pytest.mark.parametrize("server", SERVERS)
def test_json_log_lines_carry_the_request_id_of_the_response(serve_workers, idp_env, server):
    base, log = serve_workers(idp_env(IDP_LOG_FORMAT="json"), 1, "--server", server)
    theirs = fresh_get(f"{base}/no/such/page?code=SECRET-CODE-123",
                       headers={"X-Request-Id": "complaint-2026-0042"})
    ours = fresh_get(f"{base}/healthz")
    assert theirs.headers["X-Request-Id"] == "complaint-2026-0042"
    generated = ours.headers["X-Request-Id"]
    text = written(log, generated)
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    access = {line["request_id"]: line for line in lines if line["logger"] == "idp.access"}
    complaint = access["complaint-2026-0042"]
    assert (complaint["method"], complaint["path"], complaint["status"]) == (
        "GET", "/no/such/page", 404)
    assert isinstance(complaint["duration"], float)
    assert access[generated]["path"] == "/healthz" and access[generated]["status"] == 200
    assert "SECRET-CODE-123" not in text  # never the query string


def written(log, request_id: str) -> str:
    """The log once the server wrote the access line of request_id (written as it answers)."""
    deadline = time.monotonic() + 10
    while request_id not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    return log.read_text()
