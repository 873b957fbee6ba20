"""PostgreSQL stopped or hung (SIGSTOP) under load: 503s with Retry-After, never a 500, no
worker held past the bounded waits, /readyz out and back in, recovery without a restart."""

from __future__ import annotations

import os
import re
import signal

import pytest
import requests
from outage_helpers import ask, assert_outage_answers, load, wait_ready, wait_until

pytestmark = pytest.mark.outages

EVERY = ["account", "authorize", "token", "readyz"]


def _recovered(served) -> None:
    wait_ready(served)
    answers = load(served, EVERY, rounds=1)
    assert [(a.name, a.status) for a in answers if a.status >= 400] == []
    assert served.log.read_text().count("building the app") == 1  # the same worker throughout


def test_a_stopped_database_answers_503_not_500_and_the_idp_recovers_without_a_restart(
    served, postgres
):
    assert {a.status for a in load(served, EVERY, rounds=1)} <= {200, 303}
    postgres.stop()
    try:
        answers = load(served, EVERY, rounds=1)
        unavailable = assert_outage_answers(answers)
        assert {a.name for a in unavailable} >= {"account", "token", "readyz"}
        ready = ask(served, "readyz")
        assert ready.status == 503 and '"database":"unavailable"' in ready.body.replace(" ", "")
        assert max(a.seconds for a in answers) < 2  # refused at once: no waiting at all
    finally:
        postgres.start()
    _recovered(served)


def test_a_hung_database_answers_503_within_bounded_waits_and_recovers_when_it_wakes(
    served, postgres
):
    postgres.signal_all(signal.SIGSTOP)
    try:
        # Each needs the database (the person behind /account, a token's audit write,
        # readyz's ping), so each waits for the silent server, within bounds.
        answers = load(served, ["account", "token", "readyz"], rounds=1)
    finally:
        postgres.signal_all(signal.SIGCONT)
    unavailable = assert_outage_answers(answers)
    assert {a.name for a in unavailable} == {"account", "token", "readyz"}
    assert all('"database":"unavailable"' in a.body.replace(" ", "")
               for a in unavailable if a.name == "readyz")
    # 2 s without an answer (1 s statement timeout + 1 s), or 2 s to connect; a request may
    # queue behind one other on the served IdP's 2 threads.
    assert max(a.seconds for a in answers) < 6
    _recovered(served)


def test_a_worker_replaced_during_an_outage_answers_503_and_serves_once_it_is_over(
    served, postgres
):
    """The server stops altogether when a worker fails to boot: a worker that starts while the
    database is down must boot anyway, answer 503, and serve when the database is back."""
    postgres.stop()
    try:
        worker = int(re.findall(r"worker (\d+) building the app", served.log.read_text())[-1])
        os.kill(worker, signal.SIGKILL)  # the server's master starts a new one
        wait_until(lambda: served.log.read_text().count("building the app") == 2,
                   "a new worker")
        wait_until(lambda: "started during an outage" in served.log.read_text(),
                   "the new worker to start in the outage")
        answers = load(served, EVERY, rounds=1)
        assert {a.status for a in assert_outage_answers(answers)} == {503}
        assert requests.get(f"{served.base}/healthz", timeout=5).status_code == 200
    finally:
        postgres.start()
    wait_ready(served)
    answers = load(served, EVERY, rounds=1)
    assert [(a.name, a.status) for a in answers if a.status >= 400] == []
    assert "Worker failed to boot" not in served.log.read_text()
