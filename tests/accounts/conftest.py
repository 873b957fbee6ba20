"""Fixtures of the accounts tests: the app's services, fresh valid identifiers, row counts."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from idp.accounts import service
from idp.accounts.identity_numbers import credit_code_check_char, id_number_check_char
from idp.accounts.models import Authorisation, LegalPerson, Person
from idp.audit import SYSTEM_ACTOR, AuditEvent
from idp.services import Services

_serial = itertools.count(1)


@pytest.fixture
def services(settings):
    built = Services.build(settings, upgrade=False)  # the fixtures' databases are migrated
    yield built
    built.db.dispose()


@pytest.fixture
def new_id_number() -> Callable[..., str]:
    """Make a fresh valid resident ID number (check character computed)."""

    def make(born: str = "19850312", region: str = "330106") -> str:
        first17 = f"{region}{born}{next(_serial) % 1000:03d}"
        return first17 + id_number_check_char(first17)

    return make


@pytest.fixture
def new_credit_code() -> Callable[[], str]:
    """Make a fresh valid unified social credit code (check character computed)."""

    def make() -> str:
        first17 = f"91330100MA{next(_serial) % 10_000_000:07d}"
        return first17 + credit_code_check_char(first17)

    return make


@pytest.fixture
def add_person(services, new_id_number) -> Callable[..., Person]:
    """Create a citizen account with sensible defaults."""

    def add(username: str, **extra) -> Person:
        fields = {"password": "correct horse battery", "name": "张三",
                  "id_number": new_id_number()} | extra
        return service.create_person(services, SYSTEM_ACTOR, username=username, **fields)

    return add


@pytest.fixture
def row_counts(services) -> Callable[[], dict[str, int]]:
    """Count the rows of every table accounts write (and the audit log)."""

    def count() -> dict[str, int]:
        with services.db.session() as session:
            return {
                model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in (Person, LegalPerson, Authorisation, AuditEvent)
            }

    return count
