"""Role-model fixtures: the test's database and the `idp` CLI."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from idp.cli import idp
from idp.db import Database


@pytest.fixture
def db(database_url):
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def cli(settings):
    env = {
        "IDP_DATA_DIR": str(settings.data_dir), "IDP_DATABASE_URL": settings.database_url,
        "IDP_KEK": settings.kek, "IDP_STORE_PREFIX": settings.store_prefix,
        "IDP_ARGON2_MEMORY_KIB": str(settings.argon2_memory_kib),
        "IDP_ARGON2_TIME_COST": str(settings.argon2_time_cost),
    }

    def run(*args: str):
        return CliRunner().invoke(idp, list(args), env=env, catch_exceptions=False)

    return run
