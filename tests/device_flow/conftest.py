"""Device flow fixtures (RFC 8628, issue 13): short lifetimes and a 1-second interval so the
real waits stay short, terminals registered for the grant, and the person of the login tests."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

# --import-mode=importlib does not put test folders on sys.path (see tests/oidc/conftest.py).
sys.path.insert(0, str(Path(__file__).parent))

from device_helpers import DEVICE_GRANT, Terminal  # noqa: E402

from clients.registry import register_client  # noqa: E402
from idp.audit import SYSTEM_ACTOR  # noqa: E402
from tests.login.login_helpers import csrf, events, login, person  # noqa: E402, F401

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "device_flow"


@pytest.fixture
def settings(settings):
    """Polling every second (RFC 8628's slow_down still adds 5 seconds)."""
    return replace(settings, device_poll_interval_seconds=1)


@pytest.fixture
def terminal_of(svc):
    """terminal_of(**metadata): register a client (a public terminal by default)."""

    def register(**metadata) -> Terminal:
        values = {"client_name": "办事大厅自助终端", "token_endpoint_auth_method": "none",
                  "grant_types": [DEVICE_GRANT], "scope": "openid profile"}
        values.update(metadata)
        client, secret = register_client(svc, values, SYSTEM_ACTOR)
        return Terminal(client.client_id, secret)

    return register


@pytest.fixture
def terminal(terminal_of) -> Terminal:
    return terminal_of()


@pytest.fixture
def shot():
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> None:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    return take
