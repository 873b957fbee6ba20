"""The console's staff directory pages (system administrator): the list with each directory's
state, adding one with the CLI's own validation (the bind password sealed, never shown),
"test connection", "sync now" and disabling, each audited under the administrator; other
roles are refused. Screenshots at 1280 and 390 px in test-output/federation_ldap/."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from admin.roles import Role, assign_role
from federation.models import Directory, StaffLink
from idp.accounts import service as accounts
from idp.accounts.enums import AccountClass
from idp.audit import SYSTEM_ACTOR, AuditEvent
from tests.admin.admin_helpers import ADMIN_PASSWORD, sign_in
from tests.conftest import free_port
from tests.federation_ldap.conftest import spec_of
from tests.federation_ldap.slapd_servers import ALL_STAFF, SERVICE_PASSWORD, STAFF_PASSWORD
from tests.federation_ldap.test_directory_down import post_login

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "federation_ldap"


def make_admin(svc, role: Role, department: str | None = None):
    from admin.principal import Admin

    username = f"{role.value.replace('_', '')}{time.monotonic_ns() % 10**6}"
    person = accounts.create_person(svc, SYSTEM_ACTOR, username=username,
                                    password=ADMIN_PASSWORD, name="管理员",
                                    account_class=AccountClass.ADMIN, assurance_level=2)
    assign_role(svc.db, account_id=person.id, role=role, department=department)
    return Admin(person.id, username)


def console(app, svc, role: Role = Role.SYSTEM_ADMIN, department: str | None = None):
    admin = make_admin(svc, role, department)
    browser = app.test_client()
    return browser, sign_in(browser, admin), admin


def form_of(slapd, **changes) -> dict[str, str]:
    spec = spec_of(slapd)
    values = {"name": spec.name, "department": spec.department, "urls": "\n".join(spec.urls),
              "bind_dn": spec.bind_dn, "bind_password": SERVICE_PASSWORD,
              "user_base": spec.user_base, "user_filter": spec.user_filter,
              "group_base": spec.group_base or "", "mapping": "name=cn\nphone=telephoneNumber",
              "group_roles": "leaders=department_admin\nclerks=clerk", "tls": "none",
              "timeout": "2", "level": "2", "reason": "接入公安厅目录"}
    values.update(changes)
    return values


def flashed(browser, answer) -> str:
    return browser.get(answer.headers["Location"]).get_data(as_text=True)


def admin_events(svc, action: str) -> list[AuditEvent]:
    with svc.db.session() as session:
        return [e for e in session.scalars(select(AuditEvent).where(
            AuditEvent.type == "admin.action")) if e.detail.get("action") == action]


def test_a_system_administrator_adds_a_directory_whose_password_stays_sealed(app, svc, gongan):
    browser, csrf, admin = console(app, svc)
    answer = browser.post("/admin/directories/new", data={"csrf_token": csrf, **form_of(gongan)})
    assert answer.status_code == 303 and answer.headers["Location"].endswith(
        "/admin/directories/gongan")
    page = flashed(browser, answer)
    assert "已添加部门目录" in page and "省公安厅" in page and "cn=idp-reader" in page
    assert SERVICE_PASSWORD not in page
    with svc.db.session() as session:
        row = session.scalar(select(Directory).where(Directory.name == "gongan"))
    assert SERVICE_PASSWORD not in row.bind_password_sealed + str(row.config)
    assert row.config["group_roles"] == {"leaders": "department_admin", "clerks": "clerk"}
    (event,) = admin_events(svc, "directory.add")
    assert event.account_id == admin.account_id and event.detail["reason"] == "接入公安厅目录"
    listing = browser.get("/admin/directories").get_data(as_text=True)
    assert "gongan" in listing and "省公安厅" in listing and "从未同步" in listing


@pytest.mark.parametrize(("change", "says"), [
    ({"urls": "http://ldap.example:389"}, "url: ldap://host:port"),
    ({"name": "Gong An"}, "name: 2-32 lower-case"),
    ({"user_filter": "objectClass=person"}, "user-filter: a parenthesised LDAP filter"),
    ({"mapping": "nickname=cn"}, "map: unknown attribute(s) nickname"),
    ({"group_roles": "leaders"}, "takes KEY=VALUE"),
    ({"timeout": "600"}, "timeout: 0.1 to 60 seconds"),
    ({"tls": "ldaps"}, "--ldaps needs ldaps:// URLs"),
    ({"reason": ""}, "请填写操作原因"),
])
def test_a_directory_the_cli_would_refuse_is_refused_with_its_reason(app, svc, gongan, change,
                                                                     says):
    browser, csrf, _ = console(app, svc)
    answer = browser.post("/admin/directories/new",
                          data={"csrf_token": csrf, **form_of(gongan, **change)})
    assert answer.status_code == 400 and says in answer.get_data(as_text=True)
    with svc.db.session() as session:
        assert session.scalar(select(Directory)) is None


def test_a_form_without_its_csrf_token_is_refused(app, svc, gongan):
    browser, _, _ = console(app, svc)
    answer = browser.post("/admin/directories/new", data=form_of(gongan))
    assert answer.status_code == 400
    with svc.db.session() as session:
        assert session.scalar(select(Directory)) is None


@pytest.mark.parametrize(("role", "department"), [
    (Role.SECURITY_ADMIN, None), (Role.AUDIT_ADMIN, None), (Role.DEPARTMENT_ADMIN, "省公安厅")])
def test_other_roles_neither_see_nor_add_directories(app, svc, gongan, role, department):
    browser, csrf, _ = console(app, svc, role, department)
    assert browser.get("/admin/directories").status_code == 403
    answer = browser.post("/admin/directories/new", data={"csrf_token": csrf, **form_of(gongan)})
    assert answer.status_code == 403


def test_test_connection_says_what_it_found_and_the_list_shows_the_state(app, svc, gongan,
                                                                        register):
    register(gongan)
    register(gongan, name="gone", department="已下线的目录", timeout=1.0,
             urls=[f"ldap://127.0.0.1:{free_port()}/"])
    browser, csrf, _ = console(app, svc)
    page = flashed(browser, browser.post("/admin/directories/gongan/test",
                                         data={"csrf_token": csrf}))
    assert "连接成功：找到 5 个用户" in page and "uid=" in page
    for _ in range(2):  # told at each press, audited once
        page = flashed(browser, browser.post("/admin/directories/gone/test",
                                             data={"csrf_token": csrf}))
        assert "连接失败：该部门目录暂时不可用" in page
    listing = browser.get("/admin/directories").get_data(as_text=True)
    states = dict(re.findall(r'>(gongan|gone)</a>.*?<span class="tag (on|off)">(?:连接正常|不可用)',
                             listing, re.S))
    assert states == {"gongan": "on", "gone": "off"}
    assert len(admin_events(svc, "directory.unavailable")) == 1


def test_sync_now_runs_in_the_background_and_the_page_shows_its_counts(app, svc, gongan,
                                                                      register):
    register(gongan)
    browser, csrf, admin = console(app, svc)
    answer = browser.post("/admin/directories/gongan/sync",
                          data={"csrf_token": csrf, "full": "1"})
    assert "同步已开始" in flashed(browser, answer)
    for _ in range(200):  # the sync's thread ends within its directory's timeouts
        page = browser.get("/admin/directories/gongan").get_data(as_text=True)
        if "全量：新增" in page:
            break
        time.sleep(0.05)
    assert f"全量：新增 {ALL_STAFF}，变更 0，停用 0" in page
    with svc.db.session() as session:
        assert len(session.scalars(select(StaffLink)).all()) == ALL_STAFF
    (asked,) = admin_events(svc, "directory.sync_request")
    assert asked.account_id == admin.account_id and asked.detail["after"] == {"full": True}


def test_disabling_a_directory_refuses_its_staff_and_is_audited(app, svc, gongan, register):
    register(gongan)
    browser, csrf, admin = console(app, svc)
    answer = browser.post("/admin/directories/gongan/disable",
                          data={"csrf_token": csrf, "disabled": "1", "reason": "目录迁移"})
    assert "已停用" in flashed(browser, answer)
    staff = app.test_client()
    refused = post_login(staff, "/login/staff", "staff", username="zhangsan",
                         password=STAFF_PASSWORD, directory="gongan")
    assert "该部门目录未启用" in staff.get(refused.headers["Location"]).get_data(as_text=True)
    (event,) = admin_events(svc, "directory.disable")
    assert event.account_id == admin.account_id and event.detail["reason"] == "目录迁移"


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_the_directory_pages_fit_a_phone_and_a_desktop(live_app, chromium, gongan, width):
    app, base = live_app
    svc = app.extensions["yiwang"]
    from federation.directories import add_directory
    from federation.sync import sync_directory

    add_directory(svc, spec_of(gongan), SYSTEM_ACTOR)
    add_directory(svc, spec_of(gongan, name="gone", department="已下线的目录", timeout=1.0,
                               urls=[f"ldap://127.0.0.1:{free_port()}/"]), SYSTEM_ACTOR)
    sync_directory(svc, "gongan", actor=SYSTEM_ACTOR, full=True)
    browser, _, _ = console(app, svc)
    cookie = browser.get_cookie(app.config["SESSION_COOKIE_NAME"])
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-CN",
                                   java_script_enabled=False)
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])
    page = context.new_page()
    try:
        page.goto(f"{base}/admin/directories/gone")
        page.click("text=测试连接")
        assert "连接失败" in page.content()
        page.goto(f"{base}/admin/directories")
        assert "gongan" in page.inner_text("main") and "不可用" in page.inner_text("main")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(SHOTS / f"{width}-10-console-directories.png"), full_page=True)
        page.click("text=gongan")
        assert "全量：新增" in page.inner_text("main")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(SHOTS / f"{width}-11-console-directory.png"), full_page=True)
        page.goto(f"{base}/admin/directories/new")
        page.fill("input[name=name]", "Bad Name")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(SHOTS / f"{width}-12-console-directory-form.png"),
                        full_page=True)
    finally:
        context.close()
