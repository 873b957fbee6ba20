"""What a staff member sees and may do after logging in: "my account" names the directory, the
entry and the roles, and offers none of the citizen's password, phone or deletion pages (the
directory keeps those); an authenticator app added here is asked for at the next staff login."""

from __future__ import annotations

import time

import pyotp

from idp.audit import SYSTEM_ACTOR
from idp.authn.totp import begin_enrolment, confirm_enrolment
from idp.sso.session import COOKIE_NAME
from tests.federation_ldap.slapd_servers import STAFF_PASSWORD
from tests.federation_ldap.test_staff_login import account, csrf_of


def staff_login(browser, username="zhangsan"):
    form = browser.get("/login?door=staff")
    return browser.post("/login/staff", data={"csrf_token": csrf_of(form), "username": username,
                                              "password": STAFF_PASSWORD,
                                              "directory": "gongan"})


def test_my_account_shows_the_directory_entry_and_roles_without_citizen_pages(
    client, register, gongan
):
    register(gongan)
    staff_login(client)
    html = client.get("/account").get_data(as_text=True)
    assert "zhangsan@gongan" in html and "张三" in html and "138****0001" in html
    assert "uid=zhangsan,ou=people,dc=gongan,dc=gov,dc=cn" in html
    assert "clerk、department_admin" in html and "部门目录账号" in html
    for citizen_only in ("/account/password", "/account/phone", "/account/delete",
                         "/account/verify", "已实名认证"):
        assert citizen_only not in html
    assert "/account/history" in html


def test_a_staff_member_with_an_authenticator_app_is_asked_for_its_code(
    client, svc, register, gongan
):
    register(gongan)
    staff_login(client)
    person, _ = account(svc, "zhangsan@gongan")
    secret = begin_enrolment(svc, person.id, person.username).secret
    assert confirm_enrolment(svc, person.id, pyotp.TOTP(secret).now(), SYSTEM_ACTOR)
    browser = client.application.test_client()
    answer = staff_login(browser)
    assert answer.headers["Location"].endswith("/login/otp")
    assert browser.get_cookie(COOKIE_NAME) is None  # no session before the second factor
    page = browser.get("/login/otp")
    code = pyotp.TOTP(secret).at(time.time() + 30)  # the next step: the enrolment used this one
    done = browser.post("/login/otp", data={"csrf_token": csrf_of(page), "code": code})
    assert done.headers["Location"].endswith("/account")
    session = svc.sessions.load(browser.get_cookie(COOKIE_NAME).value)
    assert (session.amr, session.level) == (["pwd", "otp"], 3)
