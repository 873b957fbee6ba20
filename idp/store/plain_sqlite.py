"""SQLAlchemy statements run on a plain sqlite3 connection per thread, for the hot paths.

Through SQLAlchemy a one-statement SQLite transaction costs far more CPU than SQLite itself
(pool checkout, the engine's BEGIN event, an execution context per statement, reset on
return): a Store read ~63 µs and a write ~109 µs against 12 and 35 µs here, and a token's
audit batch ~490 µs against ~100 µs. The Store (``sql_store``) and the audit group commit
(``idp.audit.sqlite_batch``) run on every protocol request, so they use this instead, as
do the person reads every authorization and token makes (``idp.db.Database.read_row``). Each
statement is compiled once by SQLAlchemy for the SQLite dialect and sent as that SQL, its
values converted by the same bind processors (dates, JSON), so the rows are what SQLAlchemy
would write. A connection is never used across a fork (gunicorn forks workers after start-up).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from typing import Any

from sqlalchemy import exc

# (SQL, parameter names in order, literal defaults, bind processors by name)
_Compiled = tuple[str, tuple[str, ...], dict[str, Any], dict[str, Callable[[Any], Any]]]


class PlainSqlite:
    def __init__(self, path: str, dialect) -> None:
        self.path = path
        self.dialect = dialect
        self._local = threading.local()
        self._sql: dict[object, _Compiled] = {}
        self._rows: dict[object, tuple[type, tuple]] = {}  # read_row's row type, processors
        # WAL is a property of the file (idp.db's connections set it too): set here once if
        # needed, not raced by each thread's first connection.
        with closing(sqlite3.connect(path, timeout=30)) as conn:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode=WAL")

    def read(self, stmt, params: dict) -> tuple | None:
        """stmt's first row (a read is its own implicit transaction in autocommit mode)."""
        return self._connection().execute(*self.bind(stmt, params)).fetchone()

    def read_row(self, stmt, params: dict) -> tuple | None:
        """stmt's first row as SQLAlchemy would give it: its values through the columns'
        result processors (dates, booleans, JSON) and readable by column name; or None."""
        row = self.read(stmt, params)
        return None if row is None else self._typed(stmt, [row])[0]

    def read_rows(self, stmt, params: dict) -> list[tuple]:
        """Every row of stmt, each as ``read_row`` gives it."""
        return self._typed(stmt, self._connection().execute(*self.bind(stmt, params)).fetchall())

    def _typed(self, stmt, rows: list[tuple]) -> list[tuple]:
        make, processors = self._row_type(stmt)
        return [make(*(value if convert is None or value is None else convert(value)
                       for value, convert in zip(row, processors, strict=True)))
                for row in rows]

    def write(self, stmt, params: dict) -> tuple[tuple | None, int]:
        """(first row returned or None, rows changed) of stmt in its own BEGIN IMMEDIATE
        transaction: writers queue on busy_timeout, as ``idp.db`` makes them."""
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            cursor = conn.execute(*self.bind(stmt, params))
            rows = cursor.fetchall()  # RETURNING rows must be read before COMMIT
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return (rows[0] if rows else None), cursor.rowcount

    @contextmanager
    def transaction(self) -> Iterator[PlainTransaction]:
        """One BEGIN IMMEDIATE transaction, committed when the block ends, rolled back if it
        raises. sqlite3's errors come out as SQLAlchemy's (``OperationalError`` ...), so
        ``idp.db.is_unavailable`` tells a locked database from a wrong statement as for the
        engine's own connections."""
        conn = self._connection()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield PlainTransaction(self, conn)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            raise exc.DBAPIError.instance(None, None, error, sqlite3.Error) from error

    def bind(self, stmt, params: dict) -> tuple[str, tuple]:
        """(SQL, positional values) for sqlite3."""
        sql, names, defaults, processors = self._compiled(stmt)
        return sql, _values(names, defaults, processors, params)

    def bind_many(self, stmt, rows: Iterable[dict]) -> tuple[str, list[tuple]]:
        """(SQL, positional values of each row) for sqlite3's executemany."""
        sql, names, defaults, processors = self._compiled(stmt)
        return sql, [_values(names, defaults, processors, params) for params in rows]

    def _compiled(self, stmt) -> _Compiled:
        found = self._sql.get(stmt)
        if found is None:  # the SQL SQLAlchemy itself would send, with its literal binds
            compiled = stmt.compile(dialect=self.dialect)
            names = tuple(compiled.positiontup)
            processors = {name: convert for name in names if (convert := compiled.binds[name]
                          .type.dialect_impl(self.dialect).bind_processor(self.dialect))}
            found = self._sql[stmt] = (str(compiled), names, dict(compiled.params), processors)
        return found

    def _row_type(self, stmt) -> tuple[type, tuple[Callable[[Any], Any] | None, ...]]:
        found = self._rows.get(stmt)
        if found is None:
            columns = list(stmt.selected_columns)
            found = self._rows[stmt] = (
                namedtuple("Row", [c.key for c in columns], rename=True),
                tuple(c.type.dialect_impl(self.dialect).result_processor(self.dialect, None)
                      for c in columns))
        return found

    def _connection(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            # Autocommit mode: a read is its own implicit transaction, writes BEGIN themselves.
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                                   check_same_thread=False)
            conn.execute("PRAGMA busy_timeout=30000")  # as idp.db sets them on its own
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            local.conn, local.pid = conn, os.getpid()
        return local.conn


def _values(names, defaults, processors, params: dict) -> tuple:
    values = []
    for name in names:
        value = params.get(name, defaults.get(name))
        convert = processors.get(name)
        values.append(value if convert is None or value is None else convert(value))
    return tuple(values)


class PlainTransaction:
    """Statements inside ``PlainSqlite.transaction``."""

    def __init__(self, plain: PlainSqlite, conn: sqlite3.Connection) -> None:
        self._plain, self._conn = plain, conn

    def execute(self, stmt, params: dict) -> sqlite3.Cursor:
        return self._conn.execute(*self._plain.bind(stmt, params))

    def execute_many(self, stmt, rows: Iterable[dict]) -> None:
        """The statement once per row, in order (ids are drawn in that order)."""
        self._conn.executemany(*self._plain.bind_many(stmt, rows))
