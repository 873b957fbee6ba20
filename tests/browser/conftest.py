"""Browser fixtures: the system Chromium through Playwright, and the `idp` CLI on the live
app's database (people are created as an operator would)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "browser"


@pytest.fixture
def phone(chromium):
    """A phone-sized page (iPhone 12-like viewport), Chinese."""
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                   device_scale_factor=2, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def shot():
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> None:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def idp_cli(live_app):
    """Run `idp ...` against the live app's database; returns the completed process."""
    app, _ = live_app
    settings = app.extensions["yiwang"].settings
    env = {**os.environ, "IDP_DATABASE_URL": settings.resolved_database_url,
           "IDP_DATA_DIR": str(settings.data_dir), "IDP_KEK": settings.kek,
           "IDP_STORE_PREFIX": settings.store_prefix, "IDP_ISSUER": settings.issuer,
           "IDP_ARGON2_MEMORY_KIB": str(settings.argon2_memory_kib),
           "IDP_ARGON2_TIME_COST": str(settings.argon2_time_cost)}
    idp = Path(sys.executable).with_name("idp")

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        done = subprocess.run([str(idp), *args], input=stdin, env=env, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done

    return run
