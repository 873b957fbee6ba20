"""Staff log in at the login page's third door (工作人员) with their directory's password: the
local staff account is created or updated from the entry at each login, wrong passwords are
refused, counted and audited like citizens', and a disabled directory refuses."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from federation.directories import set_disabled
from federation.models import StaffLink
from idp.accounts.enums import AccountClass
from idp.accounts.models import EMAIL, PHONE, Person
from idp.audit import SYSTEM_ACTOR, AuditEvent
from idp.sso.session import COOKIE_NAME
from tests.federation_ldap.slapd_servers import STAFF_PASSWORD


def csrf_of(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))[1]


@pytest.fixture
def staff_login(client):
    """GET the staff door (its CSRF token), POST its form; returns the POST's answer."""

    def submit(username: str, password: str = STAFF_PASSWORD, directory: str = "",
               browser=None, **environ):
        browser = browser or client
        form = browser.get("/login?door=staff", environ_base=environ)
        return browser.post("/login/staff", environ_base=environ, data={
            "csrf_token": csrf_of(form), "username": username, "password": password,
            "directory": directory})

    return submit


def flashed(client, answer) -> str:
    return client.get(answer.headers["Location"]).get_data(as_text=True)


def logins(svc) -> list[AuditEvent]:
    with svc.db.session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.type == "login")
                                    .order_by(AuditEvent.id)))


def account(svc, username: str) -> tuple[Person, StaffLink]:
    with svc.db.session() as session:
        person = session.scalar(select(Person).where(Person.username == username))
        return person, session.get(StaffLink, person.id)


def test_the_staff_door_is_a_form_with_the_directory_select_and_csrf(client, register,
                                                                    gongan, shuiwu):
    register(gongan)
    register(shuiwu)
    disabled = register(gongan, name="zz-off", department="停用的目录")
    set_disabled(client.application.extensions["yiwang"], disabled.name, SYSTEM_ACTOR)
    page = client.get("/login?door=staff")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "工作人员登录" in html
    assert 'aria-current="page">工作人员' in html
    assert 'action="/login/staff"' in html and 'name="csrf_token"' in html
    options = re.findall(r'<option value="([^"]*)"', html)
    assert options == ["", "gongan", "shuiwu"]  # enabled directories only, by name
    assert "省公安厅" in html and "停用的目录" not in html
    assert "/register" not in html  # staff do not sign up here
    refused = client.post("/login/staff", data={"username": "zhangsan", "directory": "gongan",
                                                "password": STAFF_PASSWORD})
    assert refused.status_code in (400, 403)  # no CSRF token
    assert client.get_cookie(COOKIE_NAME) is None


def test_a_staff_member_logs_in_and_gets_a_federated_staff_account(backend, client, svc,
                                                                   register, gongan,
                                                                   staff_login):
    register(gongan)
    answer = staff_login("zhangsan", directory="gongan")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/account")
    session = svc.sessions.load(client.get_cookie(COOKIE_NAME).value)
    assert (session.username, session.level, session.amr) == ("zhangsan@gongan", 2, ["pwd"])
    person, link = account(svc, "zhangsan@gongan")
    assert person.account_class == AccountClass.STAFF and person.name == "张三"
    assert not svc.passwords.verify(person.password_hash, STAFF_PASSWORD)  # never stored
    assert svc.cipher.open(person.phone_sealed, PHONE) == "13800000001"
    assert svc.cipher.open(person.email_sealed, EMAIL) == "zhangsan@gongan.gov.cn"
    assert (link.directory, link.entry_dn, link.employee_number) == (
        "gongan", "uid=zhangsan,ou=people,dc=gongan,dc=gov,dc=cn", "E001")
    assert link.groups == ["clerks", "leaders"]
    assert link.roles == ["clerk", "department_admin"]  # --group-role leaders=, clerks=
    event = logins(svc)[-1]
    assert (event.outcome, event.username, event.detail["door"], event.detail["source"]) == (
        "success", "zhangsan@gongan", "staff", "gongan")


def test_name_at_directory_works_without_the_select(client, register, gongan, staff_login):
    register(gongan)
    answer = staff_login("lisi@gongan")
    assert answer.headers["Location"].endswith("/account")


def test_the_account_follows_the_entry_at_the_next_login(backend, client, svc, register,
                                                         gongan, staff_login, ldap_modify):
    register(gongan)
    staff_login("wangwu", directory="gongan")
    first, first_link = account(svc, "wangwu@gongan")
    entry = "dn: uid=wangwu,ou=people,dc=gongan,dc=gov,dc=cn\nchangetype: modify\n"
    ldap_modify(entry + "replace: cn\ncn: 王五一\n-\nreplace: telephoneNumber\n"
                "telephoneNumber: 13900000003\n")
    try:
        staff_login("wangwu", directory="gongan", browser=client.application.test_client())
        person, link = account(svc, "wangwu@gongan")
        assert person.id == first.id and link.subject == first_link.subject
        assert person.name == "王五一"
        assert svc.cipher.open(person.phone_sealed, PHONE) == "13900000003"
        with svc.db.session() as session:
            update = session.scalars(select(AuditEvent).where(
                AuditEvent.type == "account.update")).all()[-1]
        assert update.detail["fields"] == ["name", "phone"]
    finally:
        ldap_modify(entry + "replace: cn\ncn: 王五\n-\nreplace: telephoneNumber\n"
                    "telephoneNumber: 13800000003\n")


def test_a_wrong_password_is_refused_counted_and_audited(client, svc, register, gongan,
                                                         staff_login):
    register(gongan)
    answer = staff_login("zhangsan", "wrong password", "gongan")
    assert "用户名或密码错误" in flashed(client, answer)
    assert client.get_cookie(COOKIE_NAME) is None
    event = logins(svc)[-1]
    assert (event.outcome, event.username, event.detail["door"], event.detail["source"],
            event.detail["reason"]) == ("failure", "zhangsan@gongan", "staff", "gongan",
                                        "bad_credentials")
    assert "wrong password" not in str(event.detail)


def test_repeated_wrong_passwords_lock_the_staff_member_out_before_the_directory(
    client, svc, register, gongan, staff_login
):
    register(gongan)
    threshold = svc.settings.lockout_threshold
    for _ in range(threshold):
        svc.store.delete("bf:block:" + _subject("lisi@gongan"))  # skip the doubling delays
        staff_login("lisi", "wrong password", "gongan")
    locked = staff_login("lisi", STAFF_PASSWORD, "gongan")  # the right one, too late
    assert "临时锁定" in flashed(client, locked)
    assert client.get_cookie(COOKIE_NAME) is None
    assert logins(svc)[-1].detail["reason"] == "locked"
    with svc.db.session() as session:
        assert session.scalars(select(AuditEvent).where(AuditEvent.type == "lockout")).first()


def _subject(username: str) -> str:
    from idp.authn.lockout import subject_for

    return subject_for(None, username)


@pytest.mark.parametrize("username", ["*)(uid=*", "*", "zhangsan)(|(uid=*", "printer"])
def test_filter_injections_and_non_people_find_nobody(client, svc, register, gongan,
                                                      staff_login, username):
    register(gongan)
    answer = staff_login(username, STAFF_PASSWORD, "gongan")
    assert "用户名或密码错误" in flashed(client, answer)
    assert client.get_cookie(COOKIE_NAME) is None
    with svc.db.session() as session:
        assert session.scalars(select(StaffLink)).all() == []


def test_a_disabled_directory_refuses_its_staff(client, svc, register, gongan, staff_login):
    register(gongan)
    staff_login("lisi", directory="gongan", browser=client.application.test_client())
    sources = client.application.extensions["federation.directories"]
    pool = sources.source(svc, "gongan").pool
    assert pool._idle  # a service connection kept from the first login
    set_disabled(svc, "gongan", SYSTEM_ACTOR)
    answer = staff_login("zhangsan", directory="gongan")
    assert "该部门目录未启用" in flashed(client, answer)
    assert client.get_cookie(COOKIE_NAME) is None
    assert logins(svc)[-1].detail["reason"] == "source_disabled"
    assert pool._idle == []  # closed once the directory was found disabled


def test_staff_cannot_use_the_citizen_door(client, register, gongan, staff_login):
    register(gongan)
    staff_login("zhangsan", directory="gongan")
    other = client.application.test_client()
    form = other.get("/login")
    answer = other.post("/login", data={"csrf_token": csrf_of(form), "door": "person",
                                        "username": "zhangsan@gongan",
                                        "password": STAFF_PASSWORD})
    assert "用户名或密码错误" in flashed(other, answer)
