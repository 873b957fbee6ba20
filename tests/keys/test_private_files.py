"""What the IdP writes to local disk is its owner's alone: the data folder 0700, the embedded
SQLite database (and its -wal/-shm files) 0600, like the generated KEK, whatever the umask."""

from __future__ import annotations

import os
import stat
from contextlib import contextmanager
from dataclasses import replace

import pytest
from click.testing import CliRunner


@contextmanager
def umask(value: int):
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def fresh(settings, tmp_path):
    """Settings of a first start: no data folder yet, the embedded database, a generated KEK."""
    return replace(settings, data_dir=tmp_path / "srv" / "instance", database_url="", kek="")


def test_a_first_start_makes_the_data_folder_and_database_owner_only(fresh):
    from idp.services import Services

    with umask(0o022):
        services = Services.build(fresh)
        services.db.dispose()
    data = fresh.data_dir
    assert mode(data) == 0o700
    files = {p.name: mode(p) for p in data.iterdir()}
    assert files["yiwang.db"] == 0o600 and files["kek"] == 0o600
    assert set(files.values()) == {0o600}, files  # -wal and -shm too, when present


def test_idp_db_upgrade_makes_them_owner_only_too(fresh):
    from idp.cli import idp

    env = {"IDP_DATA_DIR": str(fresh.data_dir), "IDP_DATABASE_URL": "", "IDP_KEK": ""}
    with umask(0o022):
        result = CliRunner().invoke(idp, ["db", "upgrade"], env=env)
    assert result.exit_code == 0, result.output
    assert mode(fresh.data_dir) == 0o700
    assert mode(fresh.data_dir / "yiwang.db") == 0o600


def test_an_existing_data_folder_keeps_the_operators_mode(fresh):
    from idp.services import Services

    fresh.data_dir.mkdir(parents=True)
    os.chmod(fresh.data_dir, 0o750)  # noqa: S103 - the operator's own choice, kept
    with umask(0o022):
        Services.build(fresh).db.dispose()
    assert mode(fresh.data_dir) == 0o750
    assert mode(fresh.data_dir / "yiwang.db") == 0o600
