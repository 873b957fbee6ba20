"""``Database.read_row``, the hot-path read: the row SQLAlchemy gives, on both databases."""

from datetime import UTC, datetime

from sqlalchemy import bindparam, select

import idp.models  # noqa: F401 - every table on Base.metadata
from idp.accounts.models import Person

_ROW = select(Person.disabled, Person.username, Person.updated_at, Person.phone_sealed,
              Person.assurance_level).where(Person.id == bindparam("account_id"))


def _add_person(db) -> str:
    with db.begin() as session:
        person = Person(username="zhangsan", password_hash="x", name="张三", disabled=True,
                        assurance_level=2, updated_at=datetime(2026, 3, 1, 8, 30, tzinfo=UTC))
        session.add(person)
        session.flush()
        return person.id


def test_a_hot_read_gives_the_row_sqlalchemy_gives_with_its_columns_by_name(backend, db):
    account_id = _add_person(db)
    with db.engine.connect() as conn:
        expected = conn.execute(_ROW, {"account_id": account_id}).first()

    row = db.read_row(_ROW, {"account_id": account_id})

    assert tuple(row) == tuple(expected)
    assert (row.disabled, row.username, row.phone_sealed, row.assurance_level) == (
        True, "zhangsan", None, 2)
    assert isinstance(row.updated_at, datetime)


def test_a_hot_read_of_no_row_is_none(backend, db):
    assert db.read_row(_ROW, {"account_id": "nobody"}) is None


def test_a_hot_read_sees_a_write_committed_after_it_last_read(db):
    account_id = _add_person(db)
    assert db.read_row(_ROW, {"account_id": account_id}).disabled is True
    with db.begin() as session:
        session.get(Person, account_id).disabled = False

    assert db.read_row(_ROW, {"account_id": account_id}).disabled is False


def test_a_hot_read_of_many_rows_gives_every_row_sqlalchemy_gives_in_order(backend, db):
    first = _add_person(db)
    with db.begin() as session:
        session.add(Person(username="lisi", password_hash="x", name="李四", assurance_level=1))
    every = select(Person.username, Person.disabled, Person.updated_at).order_by(Person.username)
    with db.engine.connect() as conn:
        expected = [tuple(row) for row in conn.execute(every)]

    rows = db.read_rows(every, {})

    assert [tuple(row) for row in rows] == expected
    assert [(row.username, row.disabled) for row in rows] == [("lisi", False), ("zhangsan", True)]
    assert db.read_rows(_ROW, {"account_id": first + "-gone"}) == []
