"""The Store's Redis stopped, hung or killed under load: 503s with Retry-After, never a 500,
/readyz out and back in, and every SSO session still there after a `kill -9` (AOF)."""

from __future__ import annotations

import signal

import pytest
from outage_helpers import (
    REDIRECT,
    ask,
    assert_outage_answers,
    load,
    wait_ready,
)

pytestmark = pytest.mark.outages

EVERY = ["account", "authorize", "token", "readyz"]


def test_a_stopped_redis_answers_503_not_500_and_the_idp_recovers_without_a_restart(
    served, redis_server
):
    assert {a.status for a in load(served, EVERY, rounds=1)} <= {200, 303}
    redis_server.kill(signal.SIGTERM)
    answers = load(served, EVERY)
    unavailable = assert_outage_answers(answers)
    assert {a.name for a in unavailable} >= {"account", "authorize", "readyz"}
    ready = ask(served, "readyz")
    assert ready.status == 503 and '"store":"unavailable"' in ready.body.replace(" ", "")
    assert '"database":"ok"' in ready.body.replace(" ", "")
    assert max(a.seconds for a in answers) < 2  # refused at once: no waiting at all

    redis_server.start()
    wait_ready(served)
    answers = load(served, EVERY, rounds=1)
    assert [a for a in answers if a.status >= 400] == []
    assert served.log.read_text().count("building the app") == 1  # the same worker throughout


def test_a_hung_redis_answers_503_within_its_timeout_and_recovers_when_it_wakes(
    served, redis_server
):
    redis_server.kill(signal.SIGSTOP)
    try:
        answers = load(served, EVERY, rounds=1)
        unavailable = assert_outage_answers(answers)
        assert {a.name for a in unavailable} >= {"account", "authorize", "readyz"}
        # 1 s per silent command; a request may queue behind one other on the 2 threads.
        assert max(a.seconds for a in answers) < 4
    finally:
        redis_server.kill(signal.SIGCONT)
    wait_ready(served)
    answers = load(served, EVERY, rounds=1)
    assert [a for a in answers if a.status >= 400] == []
    assert served.log.read_text().count("building the app") == 1


def test_sso_sessions_survive_a_kill_9_of_redis_with_its_append_only_file(served, redis_server):
    assert "persistence" not in served.log.read_text()  # AOF on: idp serve had no warning
    assert ask(served, "account").status == 200
    redis_server.kill(signal.SIGKILL)
    assert ask(served, "account").status == 503
    redis_server.start()  # the same port and directory: it replays its AOF
    wait_ready(served)
    account = ask(served, "account")
    assert account.status == 200 and served.username in account.body
    authorize = ask(served, "authorize")  # no login prompt: straight back with a code
    assert authorize.status == 303 and authorize.location.startswith(REDIRECT + "?code=")
