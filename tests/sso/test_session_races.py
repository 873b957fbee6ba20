"""Concurrent requests of one browser or one account change the SSO session without losing
each other's changes (two tabs signing in to two sites at once, touches, the account index)."""

from __future__ import annotations

import threading
import time

import pytest

from idp.db import Database
from idp.sso.session import SessionService
from idp.store import make_store


@pytest.fixture(params=["sql-sqlite", "sql-postgres", "redis"])
def store(request, settings, redis_settings):
    if request.param == "redis":
        yield make_store(redis_settings, None)
        return
    url = request.getfixturevalue("pg_database_url") if request.param == "sql-postgres" else (
        settings.database_url)
    database = Database(url)
    yield make_store(settings, database)
    database.dispose()


@pytest.fixture
def sessions(store, settings) -> SessionService:
    return SessionService(store, settings)


class Interleaved:
    """The Store, running `between` (another request) once right after the next read."""

    def __init__(self, store, between) -> None:
        self.store, self.between = store, between

    def __getattr__(self, name):
        return getattr(self.store, name)

    def get(self, key: str) -> str | None:
        value = self.store.get(key)
        between, self.between = self.between, None
        if between:
            between()
        return value


def at_once(count: int, work) -> None:
    """Run work(i) for i in range(count) in threads released together."""
    barrier = threading.Barrier(count)

    def run(i: int) -> None:
        barrier.wait()
        work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def new_session(sessions: SessionService, account_id: str = "a1"):
    return sessions.create(account_id=account_id, username="alice", level=2, amr=["pwd"])


def test_sites_signed_in_to_at_once_are_all_kept(sessions):
    token, _ = new_session(sessions)

    def sign_in(i: int) -> None:
        if i % 2:  # as SAML does
            sessions.add_participant(token, f"saml:sp{i}", {"nameid": f"n{i}"})
        else:  # as OIDC does: change the loaded session, then update
            session = sessions.load(token)
            session.participants[f"oidc:rp{i}"] = {"sub": f"s{i}"}
            sessions.update(token, session)

    at_once(8, sign_in)
    expected = {f"saml:sp{i}" if i % 2 else f"oidc:rp{i}" for i in range(8)}
    assert set(sessions.load(token).participants) == expected


def test_sessions_opened_at_once_all_appear_in_the_accounts_index(sessions):
    sids: list[str] = []
    at_once(8, lambda i: sids.append(new_session(sessions, "a-many")[1].sid))
    assert {s.sid for s in sessions.for_account("a-many")} == set(sids)


def test_the_idle_touch_does_not_drop_a_site_added_meanwhile(sessions, store, settings):
    token, _ = new_session(sessions)
    meanwhile = Interleaved(store, lambda: sessions.add_participant(token, "saml:sp", {}))
    later = int(time.time()) + 120  # past the touch interval: load writes
    assert SessionService(meanwhile, settings).load(token, now=later) is not None
    assert list(sessions.load(token).participants) == ["saml:sp"]


def test_update_keeps_what_another_request_changed_since_the_load(sessions):
    token, _ = new_session(sessions)
    stale = sessions.load(token)
    other = sessions.load(token)
    other.acting_for = {"id": "e1", "name": "某某公司", "credit_code": "x", "role": "agent"}
    other.participants["oidc:tax"] = {"sub": "s1"}
    sessions.update(token, other)
    stale.participants["saml:sp"] = {"nameid": "n"}
    sessions.update(token, stale)
    final = sessions.load(token)
    assert final.acting_for == other.acting_for
    assert set(final.participants) == {"oidc:tax", "saml:sp"}
    assert stale.participants == final.participants  # the caller's copy mirrors the Store


def test_a_site_removed_by_update_goes_while_others_stay(sessions):
    token, _ = new_session(sessions)
    sessions.add_participant(token, "oidc:tax", {})
    session = sessions.load(token)
    sessions.add_participant(token, "saml:sp", {})
    del session.participants["oidc:tax"]
    sessions.update(token, session)
    assert list(sessions.load(token).participants) == ["saml:sp"]


def test_a_late_update_does_not_bring_back_an_ended_session(sessions):
    token, _ = new_session(sessions)
    session = sessions.load(token)
    sessions.end(token=token)
    session.participants["oidc:tax"] = {}
    sessions.update(token, session)
    assert sessions.load(token) is None
    assert sessions.for_account("a1") == []


def test_a_forged_token_changes_nothing(sessions):
    token, session = new_session(sessions)
    forged = f"{session.sid}.not-the-secret"
    sessions.add_participant(forged, "oidc:evil", {})
    sessions.update(forged, session)
    assert sessions.revoke_participant(forged, "oidc:evil") is False
    assert sessions.load(token).participants == {}
    assert sessions.load(forged) is None


def test_a_site_revoked_twice_at_once_tells_the_revokers_once(sessions):
    token, _ = new_session(sessions)
    sessions.add_participant(token, "oidc:tax", {"sub": "s1"})
    told: list[str] = []
    sessions.participant_revokers.append(lambda s, key, data: told.append(key))
    results: list[bool] = []
    at_once(4, lambda i: results.append(sessions.revoke_participant(token, "oidc:tax")))
    assert sorted(results) == [False, False, False, True]
    assert told == ["oidc:tax"]
