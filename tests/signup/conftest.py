"""Fixtures of the sign-up tests: the test's settings on the SQL or the Redis Store (tests
parametrised with ``store_backend``), people who signed up, audit events, the outbox."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from idp.audit import AuditEvent

# --import-mode=importlib keeps test folders off sys.path: add ours for signup_helpers.
sys.path.insert(0, str(Path(__file__).parent))

from signup_helpers import (  # noqa: E402
    PASSWORD,
    PHONE,
    ask_code,
    choose_account,
    enter_code,
    last_code,
)

REDIS_URL = os.environ.get("IDP_TEST_REDIS", "redis://127.0.0.1:6379/0")
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "signup"


@pytest.fixture
def store_backend() -> str:
    return "sql"


@pytest.fixture
def settings(settings, store_backend):
    """The root settings; on Redis when the test is parametrised with store_backend=redis."""
    return replace(settings, redis_url=REDIS_URL) if store_backend == "redis" else settings


@pytest.fixture
def sign_up(client, settings) -> Callable:
    """The whole sign-up through the pages; returns the last POST's answer."""

    def run(phone: str = PHONE, username: str = "lihua", password: str = PASSWORD,
            browser=None, **ask):
        browser = browser or client
        assert ask_code(browser, phone, **ask).status_code == 303
        assert enter_code(browser, last_code(settings, phone)).status_code == 303
        return choose_account(browser, username, password)

    return run


@pytest.fixture
def events(svc) -> Callable:
    """The audit events of one type, oldest first."""

    def of(type_: str) -> list[AuditEvent]:
        with svc.db.session() as session:
            return list(session.scalars(
                select(AuditEvent).where(AuditEvent.type == type_).order_by(AuditEvent.id)))

    return of


@pytest.fixture
def shot():
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> None:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    return take
