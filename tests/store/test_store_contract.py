"""One contract for every Store backend: SQL on SQLite and PostgreSQL, and real Redis."""

from __future__ import annotations

import json
import secrets
import threading
import time

import pytest

from idp.db import Database
from idp.store.redis_store import RedisStore
from idp.store.sql_store import SqlStore


@pytest.fixture(params=["sql-sqlite", "sql-postgres", "redis"])
def store(request, tmp_path, sqlite_template, redis_store_url):
    prefix = f"t{secrets.token_hex(4)}:"
    if request.param == "redis":
        store = RedisStore.from_url(redis_store_url, prefix=prefix)
        yield store
        store.client.close()
        return
    if request.param == "sql-postgres":
        database = Database(request.getfixturevalue("pg_database_url"))
    else:
        database = Database(request.getfixturevalue("database_url"))
    yield SqlStore(database, prefix=prefix)
    database.dispose()


def test_a_value_put_can_be_read_back(store):
    store.put("k", "v", 60)
    assert store.get("k") == "v"


def test_a_missing_key_reads_as_none(store):
    assert store.get("absent") is None
    assert store.take("absent") is None


def test_put_replaces_the_previous_value(store):
    store.put("k", "one", 60)
    store.put("k", "two", 60)
    assert store.get("k") == "two"


def test_a_value_expires_after_its_ttl(store):
    store.put("k", "v", 1)
    time.sleep(1.1)
    assert store.get("k") is None
    assert store.take("k") is None


def test_take_returns_the_value_once(store):
    store.put("code", "grant", 60)
    assert store.take("code") == "grant"
    assert store.take("code") is None
    assert store.get("code") is None


def test_exactly_one_of_concurrent_takers_gets_the_value(store):
    store.put("code", "grant", 60)
    results: list[str | None] = []
    barrier = threading.Barrier(8)

    def taker():
        barrier.wait()
        results.append(store.take("code"))

    threads = [threading.Thread(target=taker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("grant") == 1
    assert results.count(None) == 7


def test_add_sets_only_when_absent(store):
    assert store.add("jti", "1", 60) is True
    assert store.add("jti", "2", 60) is False
    assert store.get("jti") == "1"


def test_add_succeeds_again_once_the_old_value_expired(store):
    assert store.add("jti", "1", 1) is True
    time.sleep(1.1)
    assert store.add("jti", "2", 60) is True
    assert store.get("jti") == "2"


def test_incr_counts_from_one(store):
    assert [store.incr("n", 60) for _ in range(3)] == [1, 2, 3]


def test_a_counter_restarts_after_its_window(store):
    store.incr("n", 1)
    store.incr("n", 1)
    time.sleep(1.1)
    assert store.incr("n", 60) == 1


def test_concurrent_increments_are_all_counted(store):
    def bump():
        for _ in range(10):
            store.incr("n", 60)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.incr("n", 60) == 41


def test_delete_removes_a_key(store):
    store.put("k", "v", 60)
    store.delete("k")
    assert store.get("k") is None
    store.delete("k")  # deleting twice is fine


def test_keys_of_two_prefixes_do_not_mix(store):
    store.put("shared", "mine", 60)
    other = type(store).__new__(type(store))
    other.__dict__.update(store.__dict__)
    other.prefix = store.prefix + "other:"
    assert other.get("shared") is None


def test_swap_sets_the_new_value_when_the_old_one_is_unchanged(store):
    store.put("k", "one", 60)
    assert store.swap("k", "one", "two", 60) is True
    assert store.get("k") == "two"


def test_swap_refuses_when_the_value_has_changed(store):
    store.put("k", "one", 60)
    store.put("k", "other", 60)
    assert store.swap("k", "one", "two", 60) is False
    assert store.get("k") == "other"


def test_swap_never_sets_a_missing_key(store):
    assert store.swap("absent", "one", "two", 60) is False
    assert store.get("absent") is None


def test_swap_never_revives_an_expired_value(store):
    store.put("k", "one", 1)
    time.sleep(1.1)
    assert store.swap("k", "one", "two", 60) is False
    assert store.get("k") is None


def test_swap_gives_the_new_value_its_own_ttl(store):
    store.put("k", "one", 60)
    assert store.swap("k", "one", "two", 1) is True
    time.sleep(1.1)
    assert store.get("k") is None


def test_concurrent_read_modify_writes_through_swap_lose_no_update(store):
    store.put("doc", json.dumps({"n": 0}), 60)
    barrier = threading.Barrier(6)

    def bump():
        barrier.wait()
        for _ in range(10):
            while True:
                raw = store.get("doc")
                new = json.dumps({"n": json.loads(raw)["n"] + 1})
                if store.swap("doc", raw, new, 60):
                    break

    threads = [threading.Thread(target=bump) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert json.loads(store.get("doc")) == {"n": 60}
