"""A staff directory's state on /metrics: absent until contacted, 1 while it answers, 0 once a
staff login finds it hung, 1 again when it answers again."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest

from federation.directories import add_directory
from idp.audit import SYSTEM_ACTOR
from tests.conftest import free_port
from tests.federation_ldap.conftest import spec_of
from tests.federation_ldap.slapd_servers import SLAPD, STAFF_PASSWORD, start
from tests.operations.operations_helpers import csrf_of

UP = "yiwang_directory_up"
# Its own name: the gauge lives in the process, and other tests contact a directory "shuiwu".
DIRECTORY = "shuiwu-metrics"
SERIES = (UP, frozenset({("directory", DIRECTORY)}))


@pytest.fixture
def shuiwu(tmp_path):
    if not Path(SLAPD).exists():
        pytest.skip("slapd is not installed")
    slapd = start(tmp_path, "shuiwu", [free_port()], free_port())
    yield slapd
    os.kill(slapd.process.pid, signal.SIGCONT)
    slapd.stop()
    shutil.rmtree(tmp_path / "shuiwu", ignore_errors=True)


def staff_login(browser) -> None:
    page = browser.get("/login?door=staff")
    browser.post("/login/staff", data={"csrf_token": csrf_of(page), "door": "staff",
                                       "username": "lisi", "password": STAFF_PASSWORD,
                                       "directory": DIRECTORY})


def test_a_directory_is_up_then_down_then_up_again(metrics_app, browser, scrape, shuiwu):
    add_directory(metrics_app.extensions["yiwang"], spec_of(shuiwu, name=DIRECTORY, timeout=1.0),
                  SYSTEM_ACTOR)
    assert not any(name == UP and ("directory", DIRECTORY) in labels
                   for name, labels in scrape())  # never contacted: no series yet
    staff_login(browser)
    assert scrape()[SERIES] == 1
    os.kill(shuiwu.process.pid, signal.SIGSTOP)  # hung: accepts connections, never answers
    try:
        staff_login(browser)
        assert scrape()[SERIES] == 0
    finally:
        os.kill(shuiwu.process.pid, signal.SIGCONT)
    staff_login(browser)
    assert scrape()[SERIES] == 1
