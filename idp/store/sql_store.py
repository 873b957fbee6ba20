"""Store in the SQL database: the embedded default, so one file is the whole deployment.

Expired rows are invisible to reads and overwritten by writes; ``purge`` removes them.
"""

from __future__ import annotations

import random
import time

from sqlalchemy import Float, Integer, String, Text, case, cast, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from idp.db import Base, Database

# One write in this many also purges expired rows, so the table stays small without a job.
_PURGE_EVERY = 500


class StoreEntry(Base):
    __tablename__ = "store_entries"
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class SqlStore:
    def __init__(self, database: Database, prefix: str = "") -> None:
        self.db = database
        self.prefix = prefix
        self._insert = sqlite_insert if database.is_sqlite else pg_insert

    def get(self, key: str) -> str | None:
        with self.db.session() as session:
            return session.scalar(
                select(StoreEntry.value).where(
                    StoreEntry.key == self.prefix + key, StoreEntry.expires_at > time.time()
                )
            )

    def put(self, key: str, value: str, ttl: int) -> None:
        expires = time.time() + ttl
        row = {"key": self.prefix + key, "value": value, "expires_at": expires}
        stmt = self._insert(StoreEntry).values(**row)
        stmt = stmt.on_conflict_do_update(
            index_elements=[StoreEntry.key], set_={"value": value, "expires_at": expires}
        )
        self._write(stmt)

    def add(self, key: str, value: str, ttl: int) -> bool:
        now = time.time()
        row = {"key": self.prefix + key, "value": value, "expires_at": now + ttl}
        stmt = self._insert(StoreEntry).values(**row)
        # Overwrite only an expired row; a live one makes the statement return nothing.
        stmt = stmt.on_conflict_do_update(
            index_elements=[StoreEntry.key],
            set_={"value": value, "expires_at": now + ttl},
            where=StoreEntry.expires_at <= now,
        ).returning(StoreEntry.key)
        return self._write(stmt) is not None

    def take(self, key: str) -> str | None:
        stmt = (
            delete(StoreEntry)
            .where(StoreEntry.key == self.prefix + key)
            .returning(StoreEntry.value, StoreEntry.expires_at)
        )
        row = self._write_row(stmt)
        if row is None or row.expires_at <= time.time():
            return None
        return row.value

    def incr(self, key: str, ttl: int) -> int:
        now = time.time()
        row = {"key": self.prefix + key, "value": "1", "expires_at": now + ttl}
        stmt = self._insert(StoreEntry).values(**row)
        stmt = stmt.on_conflict_do_update(
            index_elements=[StoreEntry.key],
            set_={
                "value": _incremented(now),
                "expires_at": _case(StoreEntry.expires_at <= now, now + ttl, StoreEntry.expires_at),
            },
        ).returning(StoreEntry.value)
        return int(self._write(stmt))

    def delete(self, key: str) -> None:
        self._write_row(delete(StoreEntry).where(StoreEntry.key == self.prefix + key))

    def purge(self) -> int:
        """Remove expired rows; returns how many."""
        with self.db.begin() as session:
            result = session.execute(delete(StoreEntry).where(StoreEntry.expires_at <= time.time()))
            return result.rowcount

    def _write(self, stmt):
        row = self._write_row(stmt)
        return None if row is None else row[0]

    def _write_row(self, stmt):
        with self.db.begin() as session:
            result = session.connection().execute(stmt)
            row = result.first() if result.returns_rows else None
        if random.randrange(_PURGE_EVERY) == 0:  # noqa: S311 - not security relevant
            self.purge()
        return row


def _case(condition, when_true, otherwise):
    return case((condition, when_true), else_=otherwise)


def _incremented(now: float):
    increment = cast(cast(StoreEntry.value, Integer) + 1, Text)
    return _case(StoreEntry.expires_at <= now, "1", increment)
