"""Store in the SQL database: the embedded default, so one file is the whole deployment.

Expired rows are invisible to reads and overwritten by writes; ``purge`` removes them.
Every Store call runs on every protocol request, so the statements are built once (building a
statement costs more than running it on SQLite). On PostgreSQL they run on a bare SQLAlchemy
connection (an ORM session would add its own bookkeeping to each one-statement transaction);
on SQLite, compiled once to SQL text, on a plain sqlite3 connection per thread
(``plain_sqlite``).
"""

from __future__ import annotations

import hashlib
import random
import time

from sqlalchemy import (
    Float,
    Integer,
    String,
    Text,
    bindparam,
    case,
    cast,
    delete,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from idp.db import Base, Database

# One write in this many also purges expired rows, so the table stays small without a job.
_PURGE_EVERY = 500
MAX_KEY = 255  # the key column's length


class StoreEntry(Base):
    __tablename__ = "store_entries"
    key: Mapped[str] = mapped_column(String(MAX_KEY), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[float] = mapped_column(Float, index=True)


_T = StoreEntry.__table__
_GET = select(_T.c.value).where(_T.c.key == bindparam("k"), _T.c.expires_at > bindparam("now"))
_TAKE = delete(_T).where(_T.c.key == bindparam("k")).returning(_T.c.value, _T.c.expires_at)
_DELETE = delete(_T).where(_T.c.key == bindparam("k"))
# A live row whose value is still the one the caller read; RETURNING tells whether it was.
_SWAP = (
    update(_T)
    .where(_T.c.key == bindparam("k"), _T.c.value == bindparam("old"),
           _T.c.expires_at > bindparam("now"))
    .values(value=bindparam("v"), expires_at=bindparam("e"))
    .returning(_T.c.key)
)
_PURGE = delete(_T).where(_T.c.expires_at <= bindparam("now"))


def _writes(insert) -> tuple:
    """put, add and incr for one dialect's INSERT .. ON CONFLICT."""
    new = insert(_T).values(key=bindparam("k"), value=bindparam("v"), expires_at=bindparam("e"))
    fresh = {"value": new.excluded.value, "expires_at": new.excluded.expires_at}
    put = new.on_conflict_do_update(index_elements=[_T.c.key], set_=fresh)
    # Overwrite only an expired row; a live one makes the statement return nothing.
    add = new.on_conflict_do_update(
        index_elements=[_T.c.key], set_=fresh, where=_T.c.expires_at <= bindparam("now")
    ).returning(_T.c.key)
    expired = _T.c.expires_at <= bindparam("now")
    incr = new.on_conflict_do_update(
        index_elements=[_T.c.key],
        set_={
            "value": case((expired, "1"), else_=cast(cast(_T.c.value, Integer) + 1, Text)),
            "expires_at": case((expired, new.excluded.expires_at), else_=_T.c.expires_at),
        },
    ).returning(_T.c.value)
    return put, add, incr


class SqlStore:
    def __init__(self, database: Database, prefix: str = "") -> None:
        self.db = database
        self.prefix = prefix
        self._put, self._add, self._incr = _writes(
            sqlite_insert if database.is_sqlite else pg_insert)

    def _key(self, key: str) -> str:
        """The row key: the column holds MAX_KEY characters (PostgreSQL refuses more, SQLite
        would store them), and keys built from request data can be longer (an SP's entityID
        may have 1,024 characters). A longer key is folded to its start and its SHA-256."""
        full = self.prefix + key
        if len(full) <= MAX_KEY:
            return full
        digest = hashlib.sha256(full.encode("utf-8", "surrogatepass")).hexdigest()
        return f"{full[:MAX_KEY - 80]}#{digest}"

    def get(self, key: str) -> str | None:
        params = {"k": self._key(key), "now": time.time()}
        if self.db.plain is not None:
            row = self.db.plain.read(_GET, params)
            return row[0] if row else None
        with self.db.engine.connect() as conn:
            return conn.execute(_GET, params).scalar()

    def put(self, key: str, value: str, ttl: int) -> None:
        self._run(self._put, {"k": self._key(key), "v": value, "e": time.time() + ttl})

    def add(self, key: str, value: str, ttl: int) -> bool:
        now = time.time()
        params = {"k": self._key(key), "v": value, "e": now + ttl, "now": now}
        return self._run(self._add, params) is not None

    def take(self, key: str) -> str | None:
        row = self._run(_TAKE, {"k": self._key(key)})
        if row is None or row[1] <= time.time():  # (value, expires_at)
            return None
        return row[0]

    def swap(self, key: str, expected: str, new: str, ttl: int) -> bool:
        # PostgreSQL re-checks the WHERE on the newest row version after waiting for a
        # concurrent writer's lock, and SQLite writers queue at BEGIN IMMEDIATE (idp.db): either
        # way of two swaps from one value only the first matches.
        now = time.time()
        params = {"k": self._key(key), "old": expected, "v": new, "e": now + ttl, "now": now}
        return self._run(_SWAP, params) is not None

    def incr(self, key: str, ttl: int) -> int:
        now = time.time()
        row = self._run(self._incr, {"k": self._key(key), "v": "1", "e": now + ttl, "now": now})
        return int(row[0])

    def delete(self, key: str) -> None:
        self._run(_DELETE, {"k": self._key(key)})

    def purge(self) -> int:
        """Remove expired rows; returns how many."""
        if self.db.plain is not None:
            return self.db.plain.write(_PURGE, {"now": time.time()})[1]
        with self.db.write() as conn:
            return conn.execute(_PURGE, {"now": time.time()}).rowcount

    def _run(self, stmt, params):
        """One statement in its own write transaction; its first row, if it returns rows."""
        if self.db.plain is not None:
            row = self.db.plain.write(stmt, params)[0]
        else:
            with self.db.write() as conn:
                result = conn.execute(stmt, params)
                row = result.first() if result.returns_rows else None
        if random.randrange(_PURGE_EVERY) == 0:  # noqa: S311 - not security relevant
            self.purge()
        return row
