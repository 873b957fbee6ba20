"""Audit fixtures: the database of a test, events written at chosen times, the `idp` CLI."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from idp.audit import chain
from idp.audit.record import AuditEvent
from idp.cli import idp
from idp.db import Database


@pytest.fixture
def db(database_url):
    database = Database(database_url)
    yield database
    database.dispose()


def write_event(db: Database, at: datetime, **fields) -> int:
    """One event written as `record` writes it, but at a chosen time; its id."""
    values = {"type": "login", "outcome": "success", "detail": {}, **fields}
    event = AuditEvent(at=at.astimezone(UTC), **values)
    with db.begin() as session:
        chain.append(session, event)
    return event.id


def sql(db: Database, statement: str, **params) -> None:
    """Raw SQL, as someone with database access would tamper with the table."""
    with db.engine.begin() as conn:
        conn.execute(text(statement), params)


@pytest.fixture
def cli(settings):
    """Run `idp ...` against this test's settings; returns the click Result."""
    env = {
        "IDP_DATA_DIR": str(settings.data_dir), "IDP_DATABASE_URL": settings.database_url,
        "IDP_KEK": settings.kek, "IDP_STORE_PREFIX": settings.store_prefix,
        "IDP_ARGON2_MEMORY_KIB": str(settings.argon2_memory_kib),
        "IDP_ARGON2_TIME_COST": str(settings.argon2_time_cost),
    }

    def run(*args: str):
        return CliRunner().invoke(idp, list(args), env=env, catch_exceptions=False)

    return run
