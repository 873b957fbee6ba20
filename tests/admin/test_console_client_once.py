"""The console's own OIDC client exists exactly once, however many workers or nodes start at
the same moment: a unique key in the database decides, a losing insert reads the winner's."""

from __future__ import annotations

import os
import secrets
import threading
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, select, text

from admin.first_party import CONSOLE_NAME, ensure_console_client
from clients.models import OidcClient
from idp.db import Database, alembic_config
from idp.services import Services

WORKERS = 6
PG_SERVER = os.environ.get("IDP_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")


@pytest.mark.usefixtures("backend")
def test_workers_starting_together_register_one_console_client(settings):
    # Each thread is a worker of its own: its own engine, pool and Store, as after a fork.
    workers = [Services.build(settings, upgrade=False) for _ in range(WORKERS)]
    start = threading.Barrier(WORKERS)
    client_ids: list[str] = []
    errors: list[BaseException] = []

    def boot(services) -> None:
        start.wait()
        try:
            client_ids.append(ensure_console_client(services))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=boot, args=(s,)) for s in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert errors == []
        with workers[0].db.session() as session:
            stored = session.scalars(select(OidcClient.client_id)
                                     .where(OidcClient.name == CONSOLE_NAME)).all()
        assert len(stored) == 1 and set(client_ids) == set(stored)
        # A later start finds it and adds nothing.
        assert ensure_console_client(workers[0]) == stored[0]
    finally:
        for services in workers:
            services.db.dispose()


@contextmanager
def _empty_database(backend: str, tmp_path, pg_server: str):
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    name = f"yiwang_mig_{secrets.token_hex(4)}"
    admin = create_engine(f"{pg_server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{pg_server}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _insert_console_client(conn, client_id: str, created: str) -> None:
    conn.execute(text(
        "INSERT INTO oidc_clients (client_id, name, application_type, token_endpoint_auth_method,"
        " redirect_uris, post_logout_redirect_uris, backchannel_logout_session_required,"
        " frontchannel_logout_session_required, grant_types, response_types, allowed_scopes,"
        " allowed_claims, subject_type, min_level, id_token_signed_response_alg,"
        " access_token_lifetime, refresh_token_lifetime, refresh_token_absolute_lifetime,"
        " id_token_lifetime, first_party, allow_refresh, disabled, extra, created_at,"
        " updated_at) VALUES (:id, :name, 'web', 'none', '[]', '[]', true, true, '[]', '[]',"
        " '[]', '[]', 'public', 3, 'RS256', 600, 28800, 2592000, 600, true, false, false, '{}',"
        " :created, :created)"), {"id": client_id, "name": CONSOLE_NAME, "created": created})


def test_the_migration_keeps_the_oldest_of_duplicated_console_clients(backend, tmp_path):
    from alembic import command

    with _empty_database(backend, tmp_path, PG_SERVER) as url:
        # A database from before the unique key, where two workers both registered one.
        command.upgrade(alembic_config(url), "0011_refresh_access_jti")
        engine = create_engine(url)
        with engine.begin() as conn:
            _insert_console_client(conn, "console-old", "2026-01-01 00:00:00+00:00")
            _insert_console_client(conn, "console-dup", "2026-01-01 00:00:00.013+00:00")
            conn.execute(text(
                "INSERT INTO oidc_refresh_tokens (token_hash, family_id, client_id, account_id,"
                " scope, auth_time, acr, amr, created_at, expires_at, family_expires_at) VALUES"
                " ('h', 'f', 'console-dup', 'a', 'openid', 0, '3', '[]', :t, :t, :t)"),
                {"t": "2026-01-01 00:00:00+00:00"})
        engine.dispose()
        database = Database(url)
        database.upgrade()
        with database.session() as session:
            # The provincial app's client (migration 0021_app_client) is another built-in.
            kept = session.scalars(select(OidcClient).where(OidcClient.name == CONSOLE_NAME)).all()
            tokens = session.scalar(text("SELECT count(*) FROM oidc_refresh_tokens"))
        database.dispose()
    assert [(c.client_id, c.builtin) for c in kept] == [("console-old", "console")]
    assert tokens == 0
