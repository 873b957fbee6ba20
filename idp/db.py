"""The SQL database: declarative base, engine and sessions, Alembic upgrades.

Transactions belong to the operation: service functions use ``with db.begin() as session``;
repositories and models never commit.

Opened with a ``timeout`` (the app's, ``IDP_DB_TIMEOUT_SECONDS``), no request waits on
PostgreSQL without bound: connecting, waiting for a pooled connection, each statement (the
server's statement_timeout) and each round trip to a server that answers nothing at all (a
client-side bound, ``_bound_waits``); maintenance that may rightly run long opts out with
``unbounded()``. ``is_unavailable`` tells those failures, which the web layer answers with 503,
from a wrong statement.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from sqlalchemy import MetaData, create_engine, event, exc, make_url
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from idp.store.plain_sqlite import PlainSqlite

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Database:
    """One engine and its session factory for the app's lifetime; ``timeout`` (seconds)
    bounds every wait on a PostgreSQL server (None: unbounded, for migrations and tools)."""

    def __init__(self, url: str, *, timeout: int | None = None) -> None:
        self.url = url
        self.engine = _make_engine(url, timeout)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = self.engine.execution_options(sqlite_write=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        with self._sessions.begin() as session:
            if self.is_sqlite:
                session.connection(execution_options={"sqlite_write": True})
            yield session

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A bare Core connection in one write transaction: for one-statement writes on hot
        paths (the Store), where an ORM session's bookkeeping would cost more than the SQL."""
        with self._writer.begin() as conn:
            yield conn

    def session(self) -> Session:
        """A session for reads (no transaction is committed)."""
        return self._sessions()

    def read_row(self, stmt, params: dict):
        """The first row of a one-statement read on a hot path (attributes by column name), or
        None. On SQLite a plain sqlite3 connection runs it in ~10 µs of CPU where a pooled
        connection costs ~125 µs and an ORM session ~300 µs (``idp.store.plain_sqlite``); the
        statement should be built once, at import, as the compiled SQL is cached by it."""
        if self.plain is not None:
            return self.plain.read_row(stmt, params)
        with self.engine.connect() as conn:
            return conn.execute(stmt, params).first()

    def read_rows(self, stmt, params: dict) -> list:
        """Every row of a one-statement read on a hot path, as ``read_row`` reads one."""
        if self.plain is not None:
            return self.plain.read_rows(stmt, params)
        with self.engine.connect() as conn:
            return list(conn.execute(stmt, params))

    @cached_property
    def plain(self) -> PlainSqlite | None:
        """The plain sqlite3 connections (one per thread) the hot paths share on SQLite: the
        Store, the audit group commit and ``read_row``; None elsewhere. Made on first use: the
        file may not exist when the Database object is. An in-memory database lives in one
        SQLAlchemy connection only, so it has none."""
        path = self.engine.url.database if self.is_sqlite else None
        return PlainSqlite(path, self.engine.dialect) if path and path != ":memory:" else None

    @contextmanager
    def unbounded(self) -> Iterator[Connection]:
        """A Core connection in one transaction free of the request bounds (no statement_timeout,
        no limit on waiting for the server), for maintenance that may rightly run long: moving
        or deleting a month of audit events."""
        with self.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            bounded = hasattr(raw, "wait_limit")
            if bounded:
                raw.wait_limit = None
            try:
                with conn.begin():
                    if conn.dialect.name == "postgresql":
                        conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
                    yield conn
            finally:
                if bounded:
                    del raw.wait_limit  # back to the class's bound before the pool has it

    def ping(self) -> None:
        """One round trip (readiness checks); raises when the database cannot answer."""
        with self.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")

    def upgrade(self) -> None:
        """Bring the schema to the newest revision of every migration branch."""
        from alembic import command

        command.upgrade(alembic_config(self.url), "heads")

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(url: str):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


# Failures that say the database cannot be used now (refused, lost or silent connection, full
# pool, statement timeout, shutdown), not that a statement was wrong: a retry later can work.
_UNAVAILABLE = (exc.OperationalError, exc.InterfaceError, exc.DisconnectionError, exc.TimeoutError)
# SQLite reports wrong SQL as OperationalError too; only these mean "try again later".
_SQLITE_UNAVAILABLE = ("database is locked", "unable to open database", "disk i/o error")


def is_unavailable(error: BaseException) -> bool:
    """Whether ``error`` means the database is unreachable, silent or overloaded (answer 503),
    rather than a bug in a statement."""
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    if not isinstance(error, _UNAVAILABLE):
        return False
    orig = getattr(error, "orig", None)
    if orig is not None and type(orig).__module__ == "sqlite3":
        return str(orig).lower().startswith(_SQLITE_UNAVAILABLE)
    return True


def _make_engine(url: str, timeout: int | None) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # hide_parameters: an error's text (logged) never carries a bound value (a token, a code).
    options: dict = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20,
                     "hide_parameters": True}
    if timeout is None:
        return create_engine(url, **options)
    libpq = make_url(url).get_driver_name() in ("psycopg", "psycopg2")
    engine = create_engine(url, **options, pool_timeout=timeout,
                           connect_args=_bounded_args(url, timeout) if libpq else {})
    if engine.dialect.driver == "psycopg":
        _bound_waits(engine, timeout + 1)
    return engine


def _bounded_args(url: str, timeout: int) -> dict:
    """libpq parameters bounding a PostgreSQL connection, unless the URL sets its own."""
    args = {
        "connect_timeout": 2,  # libpq's minimum: a live server on the network answers in ms
        # The server cancels a statement running longer (a lock wait, a slow plan); the
        # connection stays usable and the request answers 503.
        "options": f"-c statement_timeout={timeout * 1000}",
        # A dead peer (host gone, network cut) is noticed on idle pooled connections within
        # a minute instead of the kernel's two hours.
        "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3,
    }
    given = make_url(url).query
    return {name: value for name, value in args.items() if name not in given}


def _bound_waits(engine: Engine, limit: int) -> None:
    """Open the engine's psycopg connections so that each waits at most ``limit`` seconds for
    any answer of the server. statement_timeout is enforced by the server itself, so a server
    that answers nothing (hung, SIGSTOPped, its host gone while the network still acknowledges)
    would otherwise hold the thread forever."""
    import psycopg

    wait_timeout = getattr(psycopg.errors, "_WaitTimeout", None)  # psycopg's own signal
    waits = inspect.signature(psycopg.Connection.wait).parameters
    if wait_timeout is None or "timeout" not in waits:
        log.warning("psycopg %s cannot bound waits on the server (3.3 can): a hung PostgreSQL "
                    "holds a worker until TCP gives up", psycopg.__version__)
        return

    class ServerSilent(psycopg.OperationalError):
        pass

    class BoundedConnection(psycopg.Connection):
        wait_limit: float | None = limit  # None on an instance: unbounded (Database.unbounded)

        def wait(self, gen, interval=0.1, timeout=None):  # psycopg 3.3's signature
            try:
                return super().wait(gen, interval=interval,
                                    timeout=self.wait_limit if timeout is None else timeout)
            except wait_timeout:
                # Mid-protocol the connection cannot be reused: close it, and SQLAlchemy
                # drops it from the pool.
                self.pgconn.finish()
                silent = f"the database server did not answer within {self.wait_limit} s"
                raise ServerSilent(silent) from None

    @event.listens_for(engine, "do_connect")
    def connect(_dialect, _record, cargs, cparams):
        return BoundedConnection.connect(*cargs, **cparams)

    @event.listens_for(engine, "handle_error")
    def no_reconnect_to_a_silent_server(context) -> None:
        # A pre-ping that failed on a dropped connection reconnects at once (a restarted
        # server: no request sees it). One that got no answer fails the request instead:
        # connecting to the same silent server would only add connect_timeout to the wait.
        # The other idle connections go too, unpinged: each ping would wait as long.
        if context.is_pre_ping and isinstance(context.original_exception, ServerSilent):
            context.is_disconnect = False
            engine.dispose()


def _sqlite_begin(conn) -> None:
    # A write transaction takes the lock at BEGIN so concurrent writers queue on
    # busy_timeout instead of failing when a deferred read lock is upgraded.
    write = conn.get_execution_options().get("sqlite_write")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event issues BEGIN
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
