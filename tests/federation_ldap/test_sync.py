"""``idp federation sync``: gongan's real slapd synced into staff accounts, on SQLite and
PostgreSQL: counts, an incremental change, a deleted entry disabled with its SSO session
ended, one sync at a time, a run interrupted mid-way redone safely, the CLI's JSON and audit."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from federation.contract import SourceRefused
from federation.directories import DirectorySources
from federation.models import StaffLink
from federation.sync import SyncBusy, sync_directory
from idp.accounts.models import PHONE, Person
from idp.audit import SYSTEM_ACTOR, AuditEvent
from tests.federation_ldap.slapd_servers import ALL_STAFF, STAFF_PASSWORD

WUJIU = "uid=wujiu,ou=people,dc=gongan,dc=gov,dc=cn"


def sync(svc, **kwargs):
    return sync_directory(svc, "gongan", actor=SYSTEM_ACTOR, **kwargs)


def account(svc, username: str) -> Person:
    with svc.db.session() as session:
        return session.scalar(select(Person).where(Person.username == username))


def test_a_full_sync_adds_every_staff_entry_once(backend, svc, register, gongan):
    register(gongan)
    first = sync(svc)
    assert (first.mode, first.added, first.changed, first.disabled) == ("full", ALL_STAFF, 0, 0)
    again = sync(svc, full=True)
    assert (again.added, again.changed, again.disabled, again.unchanged) == (0, 0, 0, ALL_STAFF)
    zhangsan = account(svc, "zhangsan@gongan")
    assert zhangsan.account_class == "staff" and zhangsan.name == "张三"
    assert svc.cipher.open(zhangsan.phone_sealed, PHONE) == "13800000001"
    with svc.db.session() as session:
        link = session.get(StaffLink, zhangsan.id)
        assert link.groups == ["clerks", "leaders"]
        assert link.roles == ["clerk", "department_admin"]
        assert session.scalar(select(func.count()).select_from(StaffLink)) == ALL_STAFF


def test_an_incremental_sync_picks_up_one_ldapmodify_change_only(
        backend, svc, register, gongan, ldap_modify):
    register(gongan)
    sync(svc)
    ldap_modify("dn: uid=lisi,ou=people,dc=gongan,dc=gov,dc=cn\nchangetype: modify\n"
                "replace: cn\ncn: 李四四\n")
    try:
        later = sync(svc)
        assert (later.mode, later.added, later.changed, later.disabled) == \
            ("incremental", 0, 1, 0)
        assert account(svc, "lisi@gongan").name == "李四四"
        assert account(svc, "wangwu@gongan").name == "王五"
    finally:
        ldap_modify("dn: uid=lisi,ou=people,dc=gongan,dc=gov,dc=cn\nchangetype: modify\n"
                    "replace: cn\ncn: 李四\n")


def test_an_entry_deleted_from_the_directory_is_disabled_and_its_session_ends(
        backend, svc, register, gongan, ldap_modify):
    register(gongan)
    sync(svc)
    wujiu = account(svc, "wujiu@gongan")
    ended = []
    svc.sessions.end_listeners.append(lambda session, context: ended.append(session.sid))
    _, live = svc.sessions.create(account_id=wujiu.id, username=wujiu.username, level=2,
                                  amr=["pwd"])
    ldap_modify(f"dn: {WUJIU}\nchangetype: delete\n")
    try:
        result = sync(svc, full=True)
        assert (result.disabled, result.added, result.changed) == (1, 0, 0)
        assert account(svc, "wujiu@gongan").disabled
        assert ended == [live.sid] and svc.sessions.for_account(wujiu.id) == []
        with svc.db.session() as session:
            logouts = session.scalars(select(AuditEvent).where(
                AuditEvent.type == "logout", AuditEvent.account_id == wujiu.id)).all()
        assert [e.detail["initiator"] for e in logouts] == ["directory_sync"]
    finally:
        ldap_modify(f"dn: {WUJIU}\nchangetype: add\nobjectClass: inetOrgPerson\nuid: wujiu\n"
                    f"cn: 吴九\nsn: 吴\ntelephoneNumber: 13800000007\n"
                    f"mail: wujiu@gongan.gov.cn\nemployeeNumber: E007\n"
                    f"userPassword: {STAFF_PASSWORD}\n")


def test_an_entry_the_user_filter_leaves_out_loses_access_at_login_and_at_the_full_sync(
        svc, register, gongan):
    # The convention: a disabled entry is one the directory's user filter no longer matches.
    register(gongan, user_filter="(&(objectClass=inetOrgPerson)(!(uid=zhouba)))")
    sources = DirectorySources()
    try:
        with pytest.raises(SourceRefused):
            sources.source(svc, "gongan").check_password("zhouba", STAFF_PASSWORD)
    finally:
        sources.close()
    result = sync(svc)
    assert result.added == ALL_STAFF - 1 and account(svc, "zhouba@gongan") is None


def test_a_second_sync_of_a_directory_is_refused_while_one_runs(svc, register, gongan):
    register(gongan)
    refused = []

    def during_the_first(_page: int) -> None:
        if not refused:
            with pytest.raises(SyncBusy) as caught:
                sync(svc)
            refused.append(str(caught.value))

    assert sync(svc, on_page=during_the_first).added == ALL_STAFF
    assert refused == ["a sync of gongan is already running; this one was not started"]
    assert sync(svc).mode == "incremental"  # the lock went with the first


def test_an_interrupted_full_sync_leaves_a_checkpoint_and_the_next_run_redoes_it(
        backend, svc, register, gongan):
    register(gongan)

    def stop_after_the_first_page(page: int) -> None:
        raise RuntimeError("the directory went away")

    with pytest.raises(RuntimeError):
        sync(svc, on_page=stop_after_the_first_page, page_size=2)
    with svc.db.session() as session:
        half = session.scalar(select(func.count()).select_from(StaffLink))
    assert 0 < half < ALL_STAFF
    again = sync(svc)
    assert (again.mode, again.resumed) == ("full", True)
    assert (again.added, again.unchanged) == (ALL_STAFF - half, half)
    assert sync(svc).mode == "incremental"


def test_the_cli_prints_the_counts_as_json_and_the_sync_is_audited(cli, svc, register, gongan):
    register(gongan)
    done = cli("federation", "sync", "--directory", "gongan", "--full", "--json")
    assert done.exit_code == 0, done.output
    [report] = json.loads(done.output)
    assert {"added", "changed", "disabled"} <= report.keys()
    assert (report["directory"], report["added"], report["mode"]) == ("gongan", ALL_STAFF, "full")
    with svc.db.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.type == "admin.action"))
        synced = [e.detail for e in events if e.detail.get("action") == "directory.sync"]
    assert synced == [{"action": "directory.sync", "directory": "gongan", "mode": "full",
                       "added": ALL_STAFF, "changed": 0, "disabled": 0, "resumed": False}]


def test_an_entry_whose_login_name_is_taken_is_skipped_and_the_rest_is_synced(
        backend, svc, register, gongan, ldap_modify):
    register(gongan)
    twin = "cn=lisi-twin,ou=people,dc=gongan,dc=gov,dc=cn"
    ldap_modify(f"dn: {twin}\nchangetype: add\nobjectClass: inetOrgPerson\nuid: lisi\n"
                f"cn: lisi-twin\nsn: 李\n")
    try:
        result = sync(svc)
    finally:
        ldap_modify(f"dn: {twin}\nchangetype: delete\n")
    assert (result.added, result.skipped) == (ALL_STAFF, 1)
    assert account(svc, "lisi@gongan") is not None
