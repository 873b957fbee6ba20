"""Fixtures of the second-factor tests: a logged-in person and TOTP codes at chosen steps."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pyotp
import pytest

from idp.accounts import service
from idp.audit import SYSTEM_ACTOR

PASSWORD = "correct horse battery"


@pytest.fixture
def svc(app):
    return app.extensions["yiwang"]


def csrf_of(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))[1]


@pytest.fixture
def csrf() -> Callable:
    return csrf_of


@pytest.fixture
def alice(svc):
    return service.create_person(svc, SYSTEM_ACTOR, username="alice", password=PASSWORD,
                                 name="张三", id_number="11010519491231002X", assurance_level=2)


@pytest.fixture
def login(client) -> Callable:
    def submit(username="alice", password=PASSWORD, login_id=None):
        form = client.get("/login")
        data = {"csrf_token": csrf_of(form), "username": username, "password": password}
        if login_id:
            data["login"] = login_id
        return client.post("/login", data=data)

    return submit


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
