"""A staff member whose directory group maps to the department administrator role opens the
console with that role, for their own department, after the same second factor as any
administrator; the role follows the group at every login and sync, and each change is
audited. Staff without such a group stay out of the console."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
import requests
from sqlalchemy import select

from federation.directories import add_directory
from federation.sync import sync_directory
from idp.accounts.service import find_person_by_username
from idp.audit import SYSTEM_ACTOR, AuditEvent
from tests.admin.admin_helpers import enrol_totp
from tests.federation_ldap.conftest import spec_of
from tests.federation_ldap.slapd_servers import STAFF_PASSWORD

# groupOfNames needs a member: another leader replaces zhangsan, then zhangsan comes back.
LEAVE_LEADERS = """dn: cn=leaders,ou=groups,dc=gongan,dc=gov,dc=cn
changetype: modify
replace: member
member: uid=wujiu,ou=people,dc=gongan,dc=gov,dc=cn
"""
JOIN_LEADERS = LEAVE_LEADERS.replace("uid=wujiu", "uid=zhangsan")


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


@pytest.fixture
def live(live_app, gongan):
    app, base = live_app
    services = app.extensions["yiwang"]
    add_directory(services, spec_of(gongan), SYSTEM_ACTOR)
    sync_directory(services, "gongan", actor=SYSTEM_ACTOR, full=True)  # the staff accounts
    return services, base


def console_sign_in(services, base: str, login_name: str, totp: bool = True):
    """The console's OIDC sign-in through the staff door, then the authenticator's code."""
    account = find_person_by_username(services, f"{login_name}@gongan")
    secret = enrol_totp(services, account.id, account.username) if totp else None
    browser = requests.Session()
    page = browser.get(base + "/admin/login")
    login_id = parse_qs(urlsplit(page.url).query)["login"][0]
    form = browser.get(base + "/login", params={"login": login_id, "door": "staff"})
    after = browser.post(base + "/login/staff", data={
        "csrf_token": _csrf(form.text), "username": login_name, "password": STAFF_PASSWORD,
        "directory": "gongan", "login": login_id, "door": "staff"})
    if secret is None:
        return browser, after
    done = browser.post(base + "/login/otp", data={
        "csrf_token": _csrf(after.text), "code": pyotp.TOTP(secret).now()})
    return browser, done


def role_events(services, account_id: str) -> list[tuple[str, str, str]]:
    with services.db.session() as session:
        events = session.scalars(select(AuditEvent).where(
            AuditEvent.type.in_(["role.grant", "role.revoke"]),
            AuditEvent.account_id == account_id).order_by(AuditEvent.at, AuditEvent.id))
        return [(e.type, e.detail["role"], e.detail["source"]) for e in events]


def test_a_leader_opens_the_console_as_administrator_of_their_own_department(live):
    services, base = live
    browser, done = console_sign_in(services, base, "zhangsan")
    assert done.status_code == 200 and urlsplit(done.url).path.startswith("/admin")
    me = browser.get(base + "/admin/api/me").json()
    assert me["roles"] == [{"role": "department_admin", "department": "省公安厅"}]
    # A department administrator: not the system administrator's keys page.
    assert browser.get(base + "/admin/keys").status_code == 403


def test_a_clerk_of_the_same_directory_is_refused_by_the_console(live):
    services, base = live
    browser, done = console_sign_in(services, base, "lisi")
    assert done.status_code == 403 and "没有管理员角色" in done.text
    assert browser.get(base + "/admin/api/me").status_code == 401


def test_the_second_factor_rule_holds_for_staff_administrators(live):
    services, base = live
    browser, after = console_sign_in(services, base, "zhangsan", totp=False)
    # The directory's password is level 2; the console's client needs level 3.
    assert urlsplit(after.url).path == "/login/level"
    assert browser.get(base + "/admin/api/me").status_code == 401


def test_leaving_the_group_takes_the_role_away_at_the_next_sync_audited(live, ldap_modify,
                                                                        backend):
    services, base = live
    browser, _ = console_sign_in(services, base, "zhangsan")
    account = find_person_by_username(services, "zhangsan@gongan")
    ldap_modify(LEAVE_LEADERS)
    try:
        # Incremental: zhangsan's own entry did not change, only the group's did.
        assert sync_directory(services, "gongan", actor=SYSTEM_ACTOR).mode == "incremental"
        # Roles are read at each request: the open console session loses it at once.
        assert browser.get(base + "/admin/api/me").status_code == 403
        assert browser.get(base + "/admin/relying-parties").status_code == 403
    finally:
        ldap_modify(JOIN_LEADERS)
    sync_directory(services, "gongan", actor=SYSTEM_ACTOR)
    assert browser.get(base + "/admin/api/me").status_code == 200
    assert role_events(services, account.id) == [
        ("role.grant", "clerk", "gongan"), ("role.grant", "department_admin", "gongan"),
        ("role.revoke", "department_admin", "gongan"),
        ("role.grant", "department_admin", "gongan")]
