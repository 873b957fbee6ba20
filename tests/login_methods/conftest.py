"""Fixtures of the login-method tests (issue 13): citizens with a phone (the login tests'
``person``), audit events, screenshots."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.login.login_helpers import csrf, events, login, person, sso_token  # noqa: F401

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "login_methods"


@pytest.fixture
def shot():
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> None:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    return take
