"""Brute-force protection: delays, temporary lockout, per-IP limit, unlock — on both Stores."""

from __future__ import annotations

from dataclasses import replace

import pytest

from idp.app import create_app
from idp.authn.lockout import Lockout, subject_for, unlock
from idp.store import make_store

pytestmark = pytest.mark.parametrize("store_kind", ["sql", "redis"])


@pytest.fixture
def tuned(settings, redis_settings, store_kind):
    """Settings with the Store under test and small limits."""
    base = redis_settings if store_kind == "redis" else settings
    return replace(base, lockout_free_failures=2, lockout_delay_seconds=1,
                   lockout_max_delay_seconds=4, lockout_threshold=6, lockout_seconds=900,
                   ip_failure_threshold=1000)


@pytest.fixture
def lockout(tuned):
    from idp.db import Database

    database = Database(tuned.resolved_database_url)
    yield Lockout(make_store(tuned, database), tuned)
    database.dispose()


def test_failures_after_the_free_ones_impose_a_doubling_delay_up_to_the_cap(lockout):
    now, subject = 1_000_000, subject_for("acct-1", "alice")
    delays = []
    for _ in range(5):
        assert lockout.check(subject, "10.0.0.1", now) is None
        lockout.failure(subject, "10.0.0.1", now)
        block = lockout.check(subject, "10.0.0.1", now)
        delays.append(block.until - now if block else 0)
        now += 100  # wait out each delay
    assert delays == [0, 0, 1, 2, 4]
    lockout.failure(subject, "10.0.0.1", now)  # the 6th: the cap holds
    assert lockout.check(subject, "10.0.0.1", now).until == now + 900  # the threshold


def test_the_threshold_locks_the_account_for_the_lockout_period(lockout):
    now, subject = 2_000_000, subject_for("acct-2", "bob")
    started = []
    for _ in range(6):
        started += lockout.failure(subject, None, now)
    assert [(b.reason, b.scope, b.until) for b in started] == [("locked", "account", now + 900)]
    assert lockout.check(subject, None, now + 899).reason == "locked"
    assert lockout.check(subject, None, now + 900) is None


def test_a_success_resets_the_count(lockout):
    subject = subject_for("acct-3", "carol")
    for _ in range(2):
        lockout.failure(subject, None, 5_000)
    lockout.success(subject)
    lockout.failure(subject, None, 5_000)
    assert lockout.check(subject, None, 5_000) is None  # counting started again


def test_a_success_after_an_expired_delay_still_resets_the_count(lockout):
    now, subject = 9_000, subject_for("acct-4", "dave")
    assert lockout.state(subject, None, now) == (None, False)  # nothing counted: no reset due
    for _ in range(3):
        lockout.failure(subject, None, now)  # the third imposes a 1 s delay
    block, counted = lockout.state(subject, None, now + 100)  # the delay is over
    assert block is None and counted
    assert lockout.success(subject, counted) is True
    assert lockout.state(subject, None, now + 100) == (None, False)
    lockout.failure(subject, None, now + 100)
    assert lockout.check(subject, None, now + 100) is None  # counting started again


def test_unknown_usernames_are_counted_like_accounts(lockout):
    subject = subject_for(None, "Nobody")
    assert subject == subject_for(None, " nobody ")
    for _ in range(6):
        lockout.failure(subject, None, 7_000)
    assert lockout.check(subject, None, 7_000).reason == "locked"


@pytest.fixture
def web(tuned):
    app = create_app(replace(tuned, lockout_free_failures=10, lockout_threshold=3,
                             ip_failure_threshold=5))
    app.config["TESTING"] = True
    yield app
    app.extensions["yiwang"].db.dispose()


def _login(app, username, password, ip="10.1.1.1"):
    browser = app.test_client()
    import re

    form = browser.get("/login", environ_base={"REMOTE_ADDR": ip})
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.get_data(as_text=True))[1]
    answer = browser.post("/login", data={"csrf_token": token, "username": username,
                                          "password": password},
                          environ_base={"REMOTE_ADDR": ip})
    page = browser.get(answer.headers["Location"]).get_data(as_text=True)
    return answer.headers["Location"], page


def _add(app, username):
    from idp.accounts import service
    from idp.audit import SYSTEM_ACTOR

    return service.create_person(app.extensions["yiwang"], SYSTEM_ACTOR, username=username,
                                 password="correct horse battery", name="王五",
                                 id_number="11010519491231002X")


def test_a_locked_account_refuses_even_the_right_password_until_unlocked_then_says_so(web):
    alice = _add(web, "alice")
    for _ in range(3):
        _login(web, "alice", "wrong password")
    where, page = _login(web, "alice", "correct horse battery")
    assert "/login" in where and "临时锁定" in page
    from idp.audit import AuditEvent

    svc = web.extensions["yiwang"]
    with svc.db.session() as session:
        lockouts = session.query(AuditEvent).filter_by(type="lockout").all()
        refused = session.query(AuditEvent).filter_by(type="login").all()[-1]
    assert [e.account_id for e in lockouts] == [alice.id]
    assert refused.detail["reason"] == "locked"
    unlock(svc, alice.id)
    where, page = _login(web, "alice", "correct horse battery")
    assert where.endswith("/account")
    assert "您的账号在" in page and "被临时锁定" in page  # told once, on the next login
    assert "被临时锁定" not in _login(web, "alice", "correct horse battery")[1]


def test_an_unknown_username_is_locked_out_exactly_like_a_real_one(web):
    _add(web, "alice")
    pages = []
    for name in ("alice", "ghost"):
        for _ in range(3):
            _login(web, name, "wrong password", ip=f"10.2.0.{len(pages)}")
        pages.append(_login(web, name, "wrong password", ip=f"10.2.0.{len(pages)}")[1])
    assert "临时锁定" in pages[0]
    assert _neutral(pages[0], "alice") == _neutral(pages[1], "ghost")


def _neutral(page: str, username: str) -> str:
    """The page without what differs by design: the typed name, CSRF token, the clock."""
    import re

    page = re.sub(r'name="csrf_token" value="[^"]+"', "", page.replace(username, "X"))
    return re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "T", page)


def test_an_ip_with_too_many_failures_is_refused_while_other_ips_are_not(web):
    _add(web, "alice")
    for i in range(5):  # spread over usernames: no account reaches its own threshold
        _login(web, f"user{i}", "wrong password", ip="10.9.9.9")
    assert "临时锁定" in _login(web, "alice", "correct horse battery", ip="10.9.9.9")[1]
    assert _login(web, "alice", "correct horse battery", ip="10.9.9.8")[0].endswith("/account")
