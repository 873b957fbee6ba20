"""The password pages show the one rule that applies to the account, and an administrator
without an ID number is not called real-name verified on /account."""

from __future__ import annotations

from idp.accounts import service
from idp.accounts.bootstrap import ensure_bootstrap_admin
from idp.accounts.enums import AccountClass
from idp.audit import SYSTEM_ACTOR

ADMIN_PASSWORD = "Qiantang-River 2025 tide"


def test_an_administrator_owing_a_new_password_sees_only_the_administrators_rule(
    backend, client, login, svc
):
    login("admin", ensure_bootstrap_admin(svc))
    page = client.get("/login/password").get_data(as_text=True)
    assert "至少12位" in page and "至少8位" not in page


def test_a_citizen_sees_only_the_citizens_rule(backend, client, login, alice):
    login("alice")
    page = client.get("/account/password").get_data(as_text=True)
    assert "至少8位" in page and "至少12位" not in page


def test_an_administrator_without_an_id_number_is_not_shown_as_real_name_verified(
    backend, client, login, svc
):
    service.create_person(svc, SYSTEM_ACTOR, username="ops", password=ADMIN_PASSWORD,
                          name="运维", account_class=AccountClass.ADMIN, assurance_level=2)
    assert login("ops", ADMIN_PASSWORD).status_code == 303
    account = client.get("/account").get_data(as_text=True)
    assert "已实名认证" not in account and "管理员账号（未登记身份证号）" in account
    assert "至少12位" in client.get("/account/password").get_data(as_text=True)
