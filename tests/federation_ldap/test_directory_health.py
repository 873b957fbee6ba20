"""A directory's outage and its recovery are each audited once, however many of its staff try
meanwhile, and /readyz names each directory's state without taking the node out of rotation."""

from __future__ import annotations

import os
import signal

from sqlalchemy import select

from idp.audit import AuditEvent
from tests.federation_ldap.slapd_servers import STAFF_PASSWORD
from tests.federation_ldap.test_directory_down import post_login


def directory_events(svc) -> list[tuple[str, str]]:
    with svc.db.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.type == "admin.action"))
        return [(e.detail["action"], e.detail.get("directory")) for e in events
                if e.detail["action"] in ("directory.unavailable", "directory.recovered")]


def staff_page(app, directory: str) -> str:
    browser = app.test_client()
    answer = post_login(browser, "/login/staff", "staff", username="lisi",
                        password=STAFF_PASSWORD, directory=directory)
    return browser.get(answer.headers["Location"]).get_data(as_text=True)


def test_an_outage_and_its_recovery_are_audited_once_each_and_readyz_stays_ready(
    app, client, svc, register, shuiwu, gongan
):
    register(shuiwu, timeout=1.0)
    register(gongan)
    assert client.get("/readyz").get_json()["directories"] == {
        "gongan": "unknown", "shuiwu": "unknown"}
    os.kill(shuiwu.process.pid, signal.SIGSTOP)  # hung: accepts connections, never answers
    try:
        for _ in range(3):
            assert "该部门目录暂时不可用" in staff_page(app, "shuiwu")
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.get_json()["status"] == "ready"
        assert ready.get_json()["directories"]["shuiwu"] == "unavailable"
    finally:
        os.kill(shuiwu.process.pid, signal.SIGCONT)
    for _ in range(2):
        assert "该部门目录暂时不可用" not in staff_page(app, "shuiwu")
    assert "该部门目录暂时不可用" not in staff_page(app, "gongan")
    assert client.get("/readyz").get_json()["directories"] == {
        "gongan": "ok", "shuiwu": "ok"}
    # The first contact with gongan answered: a known state, no recovery to tell.
    assert directory_events(svc) == [("directory.unavailable", "shuiwu"),
                                     ("directory.recovered", "shuiwu")]

