"""Console browser fixtures: the live app's services (make_admin and citizen of the parent
conftest build on them), a relying party's redirect target, and where screenshots go."""

from __future__ import annotations

from pathlib import Path

import pytest

OUTPUT = Path(__file__).resolve().parents[3] / "test-output"


@pytest.fixture
def services(live_app):
    """The live app's services, so administrators and citizens exist where Chromium looks."""
    return live_app[0].extensions["yiwang"]


@pytest.fixture
def relying_party(http_server):
    """Base URL of a stand-in relying party; its pages just say it got the request."""
    return http_server(lambda hit: (200, "relying party got the callback")).url


@pytest.fixture
def output_dir() -> Path:
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT
