"""A served Yiwang with one citizen, as a department meets it, for the integration examples."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

# --import-mode=importlib does not put test folders on sys.path (see tests/oidc/conftest.py).
sys.path.insert(0, str(Path(__file__).parent))

from docs_helpers import ID_NUMBER, PASSWORD, USERNAME  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@dataclass
class ServedIdp:
    base: str
    env: dict[str, str]
    run: object  # the run_idp fixture

    def idp(self, *args: str) -> dict:
        """`idp ... --json` against this IdP, as its operator would run it."""
        done = self.run([*args, "--json"], self.env)
        assert done.returncode == 0, done.stdout + done.stderr
        return json.loads(done.stdout)


@pytest.fixture
def served(idp_env, run_idp, serve_idp) -> ServedIdp:
    env = idp_env()
    added = run_idp(["users", "add-person", "--username", USERNAME, "--password-stdin",
                     "--name", "赵六", "--id-number", ID_NUMBER, "--phone", "13700137000",
                     "--level", "2"], env, stdin=PASSWORD)
    assert added.returncode == 0, added.stderr
    base = serve_idp(env, as_issuer=True)
    return ServedIdp(base, {**env, "IDP_ISSUER": base}, run_idp)


@pytest.fixture
def start_example(tmp_path):
    """start(script, env, base) -> base once the example's own server answers; stopped after."""
    processes: list[subprocess.Popen] = []

    def start(script: Path, env: dict[str, str], base: str) -> str:
        with (tmp_path / f"{script.stem}.log").open("w") as log:
            process = subprocess.Popen([sys.executable, str(script)], env=env, stdout=log,
                                       stderr=subprocess.STDOUT)
        processes.append(process)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / f"{script.stem}.log").read_text()
            try:
                requests.get(base + "/", timeout=2)
                return base
            except requests.ConnectionError:
                time.sleep(0.1)
        raise AssertionError(f"{script} did not answer within 30 s")

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)
