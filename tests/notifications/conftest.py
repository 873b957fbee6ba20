"""Fixtures of the SMS notices to people: the test's settings on the SQL or the Redis Store
(tests parametrised with ``store_backend``), people who log in through the real form (shared
with tests/login), other browsers, and the notices the development outbox holds."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace

import pytest

from idp.notify.outbox import OUTBOX_NAME, read_outbox
from tests.login.login_helpers import (  # noqa: F401 - the login tests' fixtures
    PASSWORD,
    csrf_of,
    events,
    login,
    person,
)

REDIS_URL = os.environ.get("IDP_TEST_REDIS", "redis://127.0.0.1:6379/0")
ALICE_PHONE = "13800001111"


@pytest.fixture
def store_backend() -> str:
    return "sql"


@pytest.fixture
def settings(settings, store_backend):
    """The root settings; on Redis when the test is parametrised with store_backend=redis."""
    return replace(settings, redis_url=REDIS_URL) if store_backend == "redis" else settings


@pytest.fixture
def alice(request):
    return request.getfixturevalue("person")("alice", phone=ALICE_PHONE)


@pytest.fixture
def browser(app) -> Callable:
    """browser() -> a new test client: another browser, with no cookies of its own."""
    return app.test_client


@pytest.fixture
def notices(settings) -> Callable:
    """notices(kind="new_device_login") -> the outbox's messages of that kind, oldest first."""

    def of(kind: str = "new_device_login") -> list[dict[str, str]]:
        return [m for m in read_outbox(settings.data_dir / OUTBOX_NAME) if m["kind"] == kind]

    return of


@pytest.fixture
def log_out() -> Callable:
    """Log the browser out through the logout page (its device cookie stays)."""

    def run(browser) -> None:
        page = browser.get("/logout")
        assert browser.post("/logout", data={"csrf_token": csrf_of(page)}).status_code == 200

    return run
