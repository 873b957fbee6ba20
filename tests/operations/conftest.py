"""Operating the IdP: /metrics, request ids, JSON logs. An app with /metrics guarded by a token,
a scrape parsed with prometheus-client's own parser, people and clients to count."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
import requests

from clients.registry import register_client
from idp.accounts.identity_numbers import id_number_check_char
from idp.accounts.service import create_person
from idp.audit import SYSTEM_ACTOR
from tests.conftest import IDP, free_port
from tests.operations.operations_helpers import PASSWORD, TOKEN, parse


@pytest.fixture
def metrics_app(settings):
    from idp.app import create_app

    app = create_app(replace(settings, metrics_token=TOKEN))
    app.config["TESTING"] = True
    yield app
    app.extensions["yiwang"].db.dispose()


@pytest.fixture
def browser(metrics_app):
    return metrics_app.test_client()


@pytest.fixture
def scrape(browser) -> Callable[[], dict]:
    def samples() -> dict:
        response = browser.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200
        return parse(response.get_data(as_text=True))

    return samples


@pytest.fixture
def citizen(metrics_app):
    first17 = "11010519800101001"
    return create_person(metrics_app.extensions["yiwang"], SYSTEM_ACTOR, username="wangwu",
                         password=PASSWORD, name="王五",
                         id_number=first17 + id_number_check_char(first17), assurance_level=2)


@pytest.fixture
def api_client(metrics_app):
    """A department's back-end program: client credentials only."""
    client, secret = register_client(
        metrics_app.extensions["yiwang"],
        {"client_name": "社保接口", "redirect_uris": [], "grant_types": ["client_credentials"],
         "scope": "profile", "first_party": True}, SYSTEM_ACTOR)
    return client.client_id, secret


@pytest.fixture
def serve_workers(tmp_path):
    """serve(env, workers=2, *extra) -> (base URL, log path) of a real `idp serve` with that
    many worker processes; stopped (SIGTERM) at teardown."""
    processes: list[subprocess.Popen] = []

    def serve(env: dict[str, str], workers: int = 2, *extra: str) -> tuple[str, Path]:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = tmp_path / f"serve-{port}.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [IDP, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                 "--threads", "2", *extra], env=env, stdout=out, stderr=subprocess.STDOUT)
        processes.append(process)
        return wait_until_healthy(process, base, log), log

    yield serve
    for process in processes:
        stop(process)


def wait_until_healthy(process: subprocess.Popen, base: str, log: Path) -> str:
    """base once /healthz answers. gunicorn accepts connections while its workers still build
    the app (seconds on a busy machine), so a slow answer is waited for, not an error."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"idp serve exited: {log.read_text()}")
        try:
            if requests.get(f"{base}/healthz", timeout=5).ok:
                return base
        except requests.RequestException:
            time.sleep(0.2)
    raise AssertionError(f"idp serve did not answer within 90 s: {log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
