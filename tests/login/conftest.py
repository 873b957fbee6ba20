"""Fixtures of the login tests: people and organisations, the login form as a browser posts
it (shared with tests/sso, from login_helpers.py), TOTP codes at chosen steps, and a phone-sized
Chromium page for the real pages."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pyotp
import pytest

from idp.accounts import service
from idp.accounts.identity_numbers import credit_code_check_char
from idp.audit import SYSTEM_ACTOR
from tests.login.login_helpers import (  # noqa: F401 - fixtures shared with tests/sso
    PASSWORD,
    csrf,
    csrf_of,
    events,
    login,
    person,
    serial,
    sso_token,
)

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "login"


@pytest.fixture
def organisation(svc) -> Callable:
    """Create a legal person represented by username: organisation("某某公司", "alice")."""

    def add(name: str, representative: str):
        first17 = f"91330100MA{next(serial) % 10_000_000:07d}"
        return service.create_legal_person(
            svc, SYSTEM_ACTOR, name=name, credit_code=first17 + credit_code_check_char(first17),
            representative_username=representative,
        )

    return add


# Second factors.

@pytest.fixture
def alice(svc):
    return service.create_person(svc, SYSTEM_ACTOR, username="alice", password=PASSWORD,
                                 name="张三", id_number="11010519491231002X", assurance_level=2)


@pytest.fixture
def enrol(client) -> Callable:
    """Enrol TOTP from the account page; returns (secret, recovery codes shown)."""

    def run() -> tuple[str, list[str]]:
        page = client.get("/account/mfa/totp")
        secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page.get_data(as_text=True))[1]
        secret = secret.replace(" ", "")
        done = client.post("/account/mfa/totp", data={
            "csrf_token": csrf_of(page), "code": code_at(secret, 0)})
        shown = client.get(done.headers["Location"]).get_data(as_text=True)
        return secret, re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", shown)

    return run


def code_at(secret: str, steps_from_now: int) -> str:
    """The code of the time step this many steps from now (the server accepts -1..+1)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_from_now)


@pytest.fixture
def code() -> Callable:
    return code_at


# The real pages in Chromium.

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
