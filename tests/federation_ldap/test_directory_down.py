"""A directory that is down or hung: its staff are told so within its timeout, nothing is
counted against them, and citizens and other directories go on as before."""

from __future__ import annotations

import re
import threading
import time

import pytest
from sqlalchemy import select

from idp.accounts.service import create_person
from idp.audit import SYSTEM_ACTOR, AuditEvent
from idp.sso.session import COOKIE_NAME
from tests.conftest import free_port
from tests.federation_ldap.slapd_servers import STAFF_PASSWORD

TIMEOUT = 1.5
MARGIN = 1.5  # two threads on two shared cores, page rendering, audit writes


def csrf_of(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))[1]


def post_login(browser, path: str, door: str, **form):
    page = browser.get(f"/login?door={door}")
    return browser.post(path, data={"csrf_token": csrf_of(page), "door": door, **form})


@pytest.fixture
def citizen(svc):
    return create_person(svc, SYSTEM_ACTOR, username="citizen1", password="Correct-horse-9",
                         name="市民", id_number="11010519491231002X")


def test_a_hung_directory_answers_unavailable_within_its_timeout_and_citizens_go_on(
    app, svc, register, shuiwu, gongan, citizen, stopped
):
    register(shuiwu, timeout=TIMEOUT)
    register(gongan)
    staff, person, other = app.test_client(), app.test_client(), app.test_client()
    results: dict[str, tuple[float, object]] = {}

    def staff_login():
        started = time.monotonic()
        answer = post_login(staff, "/login/staff", "staff", username="zhangsan",
                            password=STAFF_PASSWORD, directory="shuiwu")
        results["staff"] = (time.monotonic() - started, answer)

    thread = threading.Thread(target=staff_login)
    thread.start()
    time.sleep(0.2)  # the staff login is now waiting on the hung directory
    started = time.monotonic()
    answer = post_login(person, "/login", "person", username="citizen1",
                        password="Correct-horse-9")
    citizen_seconds = time.monotonic() - started
    still_waiting = thread.is_alive()  # the citizen was answered while staff still waited
    gongan_answer = post_login(other, "/login/staff", "staff", username="lisi",
                               password=STAFF_PASSWORD, directory="gongan")
    thread.join(timeout=TIMEOUT * 4)
    assert answer.headers["Location"].endswith("/account") and person.get_cookie(COOKIE_NAME)
    assert citizen_seconds < 1.0 and still_waiting  # not queued behind the hung directory
    assert gongan_answer.headers["Location"].endswith("/account")  # another directory: fine
    seconds, staff_answer = results["staff"]
    assert seconds < TIMEOUT + MARGIN
    page = staff.get(staff_answer.headers["Location"]).get_data(as_text=True)
    assert "该部门目录暂时不可用" in page and staff.get_cookie(COOKIE_NAME) is None


def test_an_unreachable_directory_is_not_counted_against_its_staff(app, svc, register, gongan):
    register(gongan, urls=[f"ldap://127.0.0.1:{free_port()}/"], timeout=1.0)
    browser = app.test_client()
    for _ in range(svc.settings.lockout_threshold + 1):
        answer = post_login(browser, "/login/staff", "staff", username="zhangsan",
                            password=STAFF_PASSWORD, directory="gongan")
        page = browser.get(answer.headers["Location"]).get_data(as_text=True)
        assert "该部门目录暂时不可用" in page and "锁定" not in page
    with svc.db.session() as session:
        reasons = {e.detail["reason"] for e in session.scalars(
            select(AuditEvent).where(AuditEvent.type == "login"))}
    assert reasons == {"source_unavailable"}


def test_failover_to_the_second_url_when_the_first_is_dead(app, register, gongan):
    register(gongan, urls=[f"ldap://127.0.0.1:{free_port()}/", gongan.urls[1]])
    browser = app.test_client()
    answer = post_login(browser, "/login/staff", "staff", username="zhangsan",
                        password=STAFF_PASSWORD, directory="gongan")
    assert answer.headers["Location"].endswith("/account") and browser.get_cookie(COOKIE_NAME)
