"""Relying parties in the console: department scoping, reasons, before/after audit, secrets."""

from __future__ import annotations

import re

from sqlalchemy import select

from admin.roles import Role
from clients.registry import get_client
from idp.audit import AuditEvent, EventType

CSRF = {"csrf_token": "test-csrf-token"}
REASON = {"reason": "工单 2026-002", **CSRF}


def _events(services, type_: EventType, client_id: str) -> list[AuditEvent]:
    with services.db.session() as session:
        return list(session.scalars(select(AuditEvent).where(
            AuditEvent.type == type_.value, AuditEvent.client_id == client_id
        ).order_by(AuditEvent.id)))


def test_a_department_administrator_sees_only_their_departments_relying_parties(
    console_client, dept_client, other_dept_client
):
    client, _ = console_client(Role.DEPARTMENT_ADMIN, "税务局")
    page = client.get("/admin/relying-parties").get_data(as_text=True)
    assert "电子税务局" in page and "公积金中心" not in page
    listed = client.get("/admin/api/relying-parties").get_json()["relying_parties"]
    assert [rp["name"] for rp in listed] == ["电子税务局"]


def test_a_department_administrator_cannot_open_or_change_another_departments_client(
    console_client, other_dept_client
):
    client, _ = console_client(Role.DEPARTMENT_ADMIN, "税务局")
    other = other_dept_client[0].client_id
    assert client.get(f"/admin/clients/{other}").status_code == 403
    assert client.post(f"/admin/clients/{other}/disable", data=REASON).status_code == 403
    assert client.post(f"/admin/clients/{other}/secret", data=REASON).status_code == 403


def test_a_department_administrator_cannot_register_into_or_move_to_another_department(
    console_client, dept_client, services
):
    client, _ = console_client(Role.DEPARTMENT_ADMIN, "税务局")
    elsewhere = client.post("/admin/api/clients", headers={"X-CSRF-Token": "test-csrf-token"},
                            json={"client_name": "X", "department": "公积金中心",
                                  "redirect_uris": ["https://x.example.gov.cn/cb"],
                                  "reason": "r"})
    assert elsewhere.status_code == 403
    moved = client.patch(f"/admin/api/clients/{dept_client[0].client_id}",
                         headers={"X-CSRF-Token": "test-csrf-token"},
                         json={"department": "公积金中心", "reason": "r"})
    assert moved.status_code == 403
    with services.db.session() as session:
        assert get_client(session, dept_client[0].client_id).department == "税务局"


def test_every_change_needs_a_reason_and_nothing_changes_without_one(
    console_client, dept_client, services
):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    client_id = dept_client[0].client_id
    response = client.post(f"/admin/clients/{client_id}/disable", data=CSRF,
                           follow_redirects=True)
    assert "请填写操作原因" in response.get_data(as_text=True)
    api = client.post(f"/admin/api/clients/{client_id}/secret", json={"reason": "  "},
                      headers={"X-CSRF-Token": "test-csrf-token"})
    assert api.status_code == 400 and api.get_json()["error"] == "reason_required"
    with services.db.session() as session:
        assert get_client(session, client_id).disabled is False
    assert not _events(services, EventType.ADMIN_ACTION, client_id)


def test_a_policy_change_is_audited_with_before_after_and_reason(
    console_client, dept_client, services
):
    client, admin = console_client(Role.SYSTEM_ADMIN)
    client_id = dept_client[0].client_id
    response = client.post(f"/admin/clients/{client_id}", data={
        **REASON, "client_name": "电子税务局", "department": "税务局", "min_level": "3",
        "redirect_uris": "https://etax.example.gov.cn/callback\nhttps://etax.example.gov.cn/cb2",
        "subject_type": "public", "scope": "openid profile",
    })
    assert response.status_code == 303
    [action] = _events(services, EventType.ADMIN_ACTION, client_id)
    assert action.detail["reason"] == "工单 2026-002"
    assert action.username == admin.username
    assert action.detail["before"]["min_level"] == 1 and action.detail["after"]["min_level"] == 3
    assert "https://etax.example.gov.cn/cb2" in action.detail["after"]["redirect_uris"]
    change = _events(services, EventType.CLIENT_CHANGE, client_id)[-1]
    assert change.detail["before"]["min_level"] == 1 and change.detail["after"]["min_level"] == 3


def test_a_registered_clients_secret_is_shown_once_and_never_again(
    console_client, services
):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    page = client.post("/admin/clients/new", data={
        **REASON, "client_name": "社保查询", "redirect_uris": "https://si.example.gov.cn/cb",
        "token_endpoint_auth_method": "client_secret_basic", "scope": "openid profile",
    })
    assert page.status_code == 303  # POST/redirect/GET: reloading never re-registers
    shown_at = page.headers["Location"]
    html = client.get(shown_at).get_data(as_text=True)
    assert "只显示这一次" in html
    client_id = re.search(r'id="client-id">([^<]+)<', html).group(1)
    secret = re.search(r'id="client-secret">([^<]+)<', html).group(1)
    with services.db.session() as session:
        stored = get_client(session, client_id, keyring=services.keyring)
        assert stored.check_client_secret(secret)
    detail = client.get(f"/admin/clients/{client_id}").get_data(as_text=True)
    assert secret not in detail
    again = client.get(shown_at, follow_redirects=True).get_data(as_text=True)
    assert secret not in again and "已显示过" in again
    with services.db.session() as session:
        audit = " ".join(str(e.detail) for e in session.scalars(select(AuditEvent)))
    assert secret not in audit


def test_rotating_a_secret_shows_the_new_one_once_and_the_old_one_stops_working(
    console_client, dept_client, services
):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    stored, old = dept_client
    page = client.post(f"/admin/clients/{stored.client_id}/secret", data=REASON,
                       follow_redirects=True)
    new = re.search(r'id="client-secret">([^<]+)<', page.get_data(as_text=True)).group(1)
    with services.db.session() as session:
        reloaded = get_client(session, stored.client_id, keyring=services.keyring)
        assert reloaded.check_client_secret(new) and not reloaded.check_client_secret(old)
    [action] = _events(services, EventType.ADMIN_ACTION, stored.client_id)
    assert action.detail["action"] == "client.rotate_secret"


def test_invalid_metadata_is_refused_with_the_registrys_reason_and_nothing_is_saved(
    console_client, services
):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    page = client.post("/admin/clients/new", data={
        **REASON, "client_name": "坏应用", "redirect_uris": "http://evil.example.com/cb",
    })
    assert page.status_code == 200 and "https" in page.get_data(as_text=True)
    assert "坏应用" not in client.get("/admin/relying-parties").get_data(as_text=True)


def test_a_scope_the_idp_does_not_define_is_refused_on_the_form_and_nothing_is_saved(
    console_client, services
):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    page = client.post("/admin/clients/new", data={
        **REASON, "client_name": "社保查询", "redirect_uris": "https://sb.example.gov.cn/cb",
        "scope": "openid profile bogus",
    })
    assert page.status_code == 200 and "bogus" in page.get_data(as_text=True)
    assert "社保查询" not in client.get("/admin/relying-parties").get_data(as_text=True)


def test_search_finds_relying_parties_by_name_id_or_department(
    console_client, dept_client, other_dept_client
):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    found = client.get("/admin/api/relying-parties?q=公积金").get_json()["relying_parties"]
    assert [rp["name"] for rp in found] == ["公积金中心"]
    by_id = client.get(f"/admin/api/relying-parties?q={dept_client[0].client_id}").get_json()
    assert [rp["name"] for rp in by_id["relying_parties"]] == ["电子税务局"]


def test_the_consoles_own_client_cannot_be_disabled_from_the_console(console_client, services):
    from admin.first_party import find_console_client

    client, _ = console_client(Role.SYSTEM_ADMIN)
    console_id = find_console_client(services).client_id
    response = client.post(f"/admin/api/clients/{console_id}/disable", json={"reason": "x"},
                           headers={"X-CSRF-Token": "test-csrf-token"})
    assert response.status_code == 409 and response.get_json()["error"] == "protected"
    assert find_console_client(services).disabled is False


def test_malformed_api_input_is_a_400_never_a_500(console_client):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    headers = {"X-CSRF-Token": "test-csrf-token"}
    for body in ({"client_name": 5, "redirect_uris": 7, "reason": "r"},
                 {"client_name": "x", "redirect_uris": ["https://a.example.cn/cb"],
                  "min_level": "high", "reason": "r"},
                 {"client_name": "x", "redirect_uris": [{"a": 1}], "scope": ["x"], "reason": "r"}):
        assert client.post("/admin/api/clients", json=body, headers=headers).status_code == 400
    saml = client.post("/admin/api/saml", headers=headers, json={
        "metadata_xml": "<not-xml", "name": ["x"], "reason": "r"})
    assert saml.status_code == 400
    assert client.post("/admin/api/keys/rotate", json={"alg": "HS256", "reason": "r"},
                       headers=headers).status_code == 400


def test_a_department_administrator_who_names_no_department_registers_into_their_own(
    console_client, services
):
    client, _ = console_client(Role.DEPARTMENT_ADMIN, "税务局")
    response = client.post("/admin/api/clients", headers={"X-CSRF-Token": "test-csrf-token"},
                           json={"client_name": "发票查验", "reason": "r",
                                 "redirect_uris": ["https://fp.example.gov.cn/cb"]})
    assert response.status_code == 201 and response.get_json()["department"] == "税务局"


def test_another_administrator_cannot_pick_up_a_parked_secret(console_client):
    first, _ = console_client(Role.SYSTEM_ADMIN)
    second, _ = console_client(Role.SYSTEM_ADMIN)
    page = first.post("/admin/clients/new", data={
        **REASON, "client_name": "社保查询", "redirect_uris": "https://si.example.gov.cn/cb"})
    stolen = second.get(page.headers["Location"], follow_redirects=True)
    assert 'id="client-secret"' not in stolen.get_data(as_text=True)
