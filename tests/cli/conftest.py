"""The `idp` command as an operator's script sees it: in-process through click's runner, on the
test's database."""

from __future__ import annotations

import pytest
from click.testing import CliRunner


@pytest.fixture
def cli_env(settings) -> dict[str, str]:
    return {
        "IDP_DATABASE_URL": settings.database_url, "IDP_DATA_DIR": str(settings.data_dir),
        "IDP_KEK": settings.kek, "IDP_STORE_PREFIX": settings.store_prefix,
        "IDP_ARGON2_MEMORY_KIB": str(settings.argon2_memory_kib),
        "IDP_ARGON2_TIME_COST": str(settings.argon2_time_cost), "IDP_REDIS_URL": "",
    }


@pytest.fixture
def run(cli_env):
    """run(*args, stdin=None, **env) -> click's Result (stdout and stderr apart)."""
    from idp.cli import idp

    def invoke(*args: str, stdin: str | None = None, **env: str):
        return CliRunner().invoke(idp, list(args), input=stdin, env={**cli_env, **env})

    return invoke
