"""Fixtures for key management: a controllable clock and a SigningKeys on the test database."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from idp.services import Services
from keys.signing import SigningKeys

IDP = str(Path(sys.executable).with_name("idp"))


@dataclass
class Clock:
    """A clock the test moves by hand (no sleeping)."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def services(settings):
    built = Services.build(settings)
    yield built
    built.db.dispose()


@pytest.fixture
def signing_keys(services, clock) -> SigningKeys:
    """The service on the test's database, reading time from `clock`, seeing changes at once."""
    return SigningKeys(services.db, services.keyring, services.settings, clock=clock,
                       refresh_seconds=0)



@pytest.fixture
def serve_idp():
    """serve(env) -> base URL of a real `idp serve` (gunicorn) process, stopped at teardown."""
    import socket
    import time

    import requests

    processes: list[subprocess.Popen] = []

    def serve(env: dict[str, str]) -> str:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        process = subprocess.Popen(
            [IDP, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        processes.append(process)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"idp serve exited: {process.stderr.read()}")
            try:
                if requests.get(f"{base}/healthz", timeout=2).ok:
                    return base
            except requests.ConnectionError:
                time.sleep(0.1)
        raise AssertionError("idp serve did not answer within 60 s")

    yield serve
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()
