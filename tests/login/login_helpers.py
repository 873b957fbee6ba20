"""People who log in through the login form, as the login tests (tests/login) and the SSO
session tests (tests/sso) both need them: their conftests import these fixtures from here, so
each is written once (`svc`, the app's services, is in tests/conftest.py)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

import pytest
from sqlalchemy import select

from idp.accounts import service
from idp.accounts.identity_numbers import id_number_check_char
from idp.audit import SYSTEM_ACTOR, AuditEvent
from idp.sso.session import COOKIE_NAME

PASSWORD = "correct horse battery"
serial = itertools.count(1)  # distinct ID numbers and credit codes within a test


def csrf_of(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


@pytest.fixture
def person(svc) -> Callable:
    """Create a citizen: person("alice", level=2)."""

    def add(username: str, level: int = 2, phone: str | None = "13812345678", **extra):
        first17 = f"110105198{next(serial) % 10}0101{next(serial) % 1000:03d}"
        return service.create_person(
            svc, SYSTEM_ACTOR, username=username, password=PASSWORD, name="张三",
            id_number=first17 + id_number_check_char(first17), phone=phone,
            assurance_level=level, **extra,
        )

    return add


@pytest.fixture
def login(client) -> Callable:
    """GET the form (for its CSRF token) then POST it, as a browser does; returns the POST."""

    def submit(username: str = "alice", password: str = PASSWORD, *, door: str | None = None,
               login_id: str | None = None, browser=None, **environ):
        browser = browser or client
        query = {k: v for k, v in (("door", door), ("login", login_id)) if v}
        form = browser.get("/login", query_string=query, environ_base=environ)
        data = {"csrf_token": csrf_of(form), "username": username, "password": password,
                "door": door or "person", **({"login": login_id} if login_id else {})}
        return browser.post("/login", data=data, environ_base=environ)

    return submit


@pytest.fixture
def sso_token(client) -> Callable:
    """The SSO cookie's value in a test client (the default one), or None."""

    def value(browser=None) -> str | None:
        cookie = (browser or client).get_cookie(COOKIE_NAME)
        return cookie.value if cookie else None

    return value


@pytest.fixture
def events(svc) -> Callable:
    """The audit events of one type, oldest first."""

    def of(type_: str) -> list[AuditEvent]:
        with svc.db.session() as session:
            return list(session.scalars(
                select(AuditEvent).where(AuditEvent.type == type_).order_by(AuditEvent.id)
            ))

    return of


@pytest.fixture
def csrf() -> Callable:
    return csrf_of
