"""Fixtures of the real-name tests: people at level 1 (as self sign-up leaves them: no ID
number) or 2, the local registers filled through their CSV import, the login form, and the
OIDC relying party of the agent walk."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest

from idp.accounts import service
from idp.accounts.identity_numbers import credit_code_check_char, id_number_check_char
from idp.accounts.models import Person
from idp.audit import SYSTEM_ACTOR
from idp.verification.imports import import_entities, import_population
from tests.login.login_helpers import (  # noqa: F401 - shared fixtures
    PASSWORD,
    csrf,
    csrf_of,
    events,
    login,
    sso_token,
)

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "real_name"
_serial = itertools.count(100)


def new_id_number() -> str:
    first17 = f"33010619900307{next(_serial) % 1000:03d}"
    return first17 + id_number_check_char(first17)


def new_credit_code() -> str:
    first17 = f"91330106MA2{next(_serial) % 1_000_000:06d}"
    return first17 + credit_code_check_char(first17)


@pytest.fixture
def person(svc) -> Callable:
    """person("alice") at level 1 without an ID number (as self sign-up makes it);
    person("bob", id_number=..., level=2) as an administrator registers a verified one."""

    def add(username: str, *, name: str = "王小明", id_number: str | None = None,
            level: int = 1, phone: str | None = None) -> Person:
        made = service.create_person(
            svc, SYSTEM_ACTOR, username=username, password=PASSWORD, name=name,
            id_number=id_number or new_id_number(), assurance_level=level, phone=phone)
        if id_number is None:  # self sign-up's accounts carry no ID number until verified
            with svc.db.begin() as session:
                row = session.get(Person, made.id)
                row.id_number_sealed = row.id_number_index = None
        return service.get_person(svc, made.id)

    return add


@pytest.fixture
def population(svc, tmp_path) -> Callable:
    """population([(id_number, name), ...]): the local population register holds them."""

    def fill(rows: list[tuple[str, str]]):
        path = tmp_path / "population.csv"
        path.write_text("id_number,name\n" + "".join(f"{n},{m}\n" for n, m in rows))
        return import_population(svc, path)

    return fill


@pytest.fixture
def entities(svc, tmp_path) -> Callable:
    """entities([(credit_code, name, representative_id_number), ...])."""

    def fill(rows: list[tuple[str, str, str]]):
        path = tmp_path / "entities.csv"
        path.write_text("credit_code,name,representative_id_number\n"
                        + "".join(f"{c},{n},{r}\n" for c, n, r in rows))
        return import_entities(svc, path)

    return fill


@pytest.fixture
def verify(client) -> Callable:
    """GET /account/verify then POST it as a browser does; returns the POST's response."""

    def submit(name: str, number: str, browser=None, **environ):
        browser = browser or client
        form = browser.get("/account/verify", environ_base=environ)
        return browser.post("/account/verify", environ_base=environ, data={
            "csrf_token": csrf_of(form), "name": name, "id_number": number})

    return submit
