"""A non-editable install (a wheel) holds everything ``idp serve`` needs: code, templates,
static files, data and the Alembic migrations."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import requests

from tests.conftest import TEST_KEK, free_port, wait_for_health

ROOT = Path(__file__).resolve().parents[2]


def test_the_built_wheel_migrates_and_serves_on_its_own(tmp_path):
    # Built from a copy: setuptools leaves build/ behind, whose stale files a later wheel
    # would ship.
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".*", "build", "*.egg-info", "node_modules", "instance", "test-output", "__pycache__",
        "tests", "bench"))
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(tmp_path / "dist"), str(source)], capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "dist").glob("yiwang-*.whl"))
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    # -S: no site-packages .pth files, so the editable install of the work tree stays out;
    # the wheel's files come first, the venv's third-party packages after them.
    path = os.pathsep.join([str(site), sysconfig.get_paths()["purelib"]])
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": path, "IDP_KEK": TEST_KEK,
           "IDP_DATA_DIR": str(tmp_path / "data"), "IDP_ARGON2_MEMORY_KIB": "1024",
           "IDP_ARGON2_TIME_COST": "1"}
    where = subprocess.run([sys.executable, "-S", "-c", "import idp; print(idp.__file__)"],
                           env=env, cwd=tmp_path, capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(site))
    port = free_port()
    with (tmp_path / "serve.log").open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-S", "-c", "from idp.cli import main; main()", "serve",
             "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = wait_for_health(server, f"http://127.0.0.1:{port}", tmp_path / "serve.log")
        discovery = requests.get(f"{base}/.well-known/openid-configuration", timeout=5)
        assert discovery.status_code == 200 and "authorization_endpoint" in discovery.json()
        login = requests.get(f"{base}/login", timeout=5)
        assert login.status_code == 200 and "登录" in login.text  # templates shipped
    finally:
        server.terminate()
        server.wait(timeout=15)
