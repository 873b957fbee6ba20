"""The upstream identity providers a relying party accepts (issue 15) are set where its other
policy is: checkboxes naming the registered upstreams on the console's OIDC client and SAML SP
forms, and the console's JSON API; a name no upstream has is refused."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest

from admin.roles import Role
from tests.admin.admin_helpers import (
    API,
    CSRF,
    SP_ENTITY,
    SP_METADATA,
    stored_client,
    stored_sp,
)


def test_a_clients_upstreams_are_ticked_by_display_name_on_its_page(
        console_client, services, dept_client, upstreams):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    registered, _ = dept_client
    page = f"/admin/clients/{registered.client_id}"
    shown = client.get(page).get_data(as_text=True)
    assert "接受的其他身份提供方" in shown and "国家政务服务平台" in shown and "支付平台" in shown
    assert 'name="upstreams" value="gov" checked' not in shown  # none ticked: every one
    fields = {**CSRF, "reason": "只接受国家平台", "client_name": registered.name,
              "redirect_uris": "https://etax.example.gov.cn/callback", "scope": "openid",
              "upstreams_sent": "1"}
    done = client.post(page, data={**fields, "upstreams": ["gov"]})
    assert done.status_code == 303
    assert stored_client(services, registered.client_id).upstreams == ["gov"]
    shown = client.get(page).get_data(as_text=True)
    assert 'name="upstreams" value="gov" checked' in shown
    assert 'name="upstreams" value="pay" checked' not in shown
    every = client.post(page, data=fields)  # none ticked: every enabled upstream again
    assert every.status_code == 303
    assert stored_client(services, registered.client_id).upstreams == []


def test_an_unknown_upstream_is_refused_and_the_form_keeps_what_was_typed(
        console_client, services, dept_client, upstreams):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    registered, _ = dept_client
    refused = client.post(f"/admin/clients/{registered.client_id}", data={
        **CSRF, "reason": "改名", "client_name": "新名称的税务局",
        "redirect_uris": "https://etax.example.gov.cn/callback", "scope": "openid",
        "upstreams_sent": "1", "upstreams": ["gov", "alipay"]})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "应用信息不正确" in page and "alipay" in page
    assert 'value="新名称的税务局"' in page and 'name="upstreams" value="gov" checked' in page
    assert stored_client(services, registered.client_id).upstreams == []
    assert stored_client(services, registered.client_id).name == registered.name


@pytest.mark.parametrize(("upstreams_sent", "status", "saved"), [
    (["pay"], 200, ["pay"]),
    (["pay", "gov"], 200, ["gov", "pay"]),
    ([], 200, []),
    (["alipay"], 400, None),
    (["pay", "pay"], 400, None),  # the schema's uniqueItems
    ([""], 400, None),
    ("pay", 400, None),
])
def test_the_api_validates_a_clients_upstreams(console_client, services, dept_client,
                                               upstreams, upstreams_sent, status, saved):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    registered, _ = dept_client
    answer = client.patch(f"/admin/api/clients/{registered.client_id}", headers=API,
                          json={"upstreams": upstreams_sent, "reason": "身份提供方"})
    assert answer.status_code == status, answer.get_json()
    if saved is not None:
        assert answer.get_json()["upstreams"] == saved
    else:
        assert answer.get_json()["error"] in ("invalid_client_metadata", "bad_input")
    assert stored_client(services, registered.client_id).upstreams == (saved or [])


def test_an_sps_upstreams_are_set_on_its_form_and_by_the_api(console_client, services,
                                                             upstreams):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    created = client.post("/admin/saml/new", data={
        **CSRF, "reason": "接入人事系统", "department": "人社厅", "min_level": "1",
        "upstreams_sent": "1", "upstreams": ["pay"],
        "metadata_file": (io.BytesIO(SP_METADATA), "sp.xml")})
    assert created.status_code == 303
    assert stored_sp(services).upstreams == ["pay"]
    detail = f"/admin/saml?entity_id={quote(SP_ENTITY)}"
    page = client.get(detail).get_data(as_text=True)
    assert 'name="upstreams" value="pay" checked' in page and "支付平台" in page
    refused = client.post(detail, data={
        **CSRF, "reason": "改", "name": "人事系统（新）", "min_level": "1",
        "upstreams_sent": "1", "upstreams": ["alipay"]})
    kept = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "alipay" in kept
    assert 'value="人事系统（新）"' in kept
    assert stored_sp(services).upstreams == ["pay"]
    answer = client.patch(f"/admin/api/saml?entity_id={quote(SP_ENTITY)}", headers=API,
                          json={"upstreams": ["gov"], "reason": "换国家平台"})
    assert answer.status_code == 200 and answer.get_json()["upstreams"] == ["gov"]
    bad = client.patch(f"/admin/api/saml?entity_id={quote(SP_ENTITY)}", headers=API,
                       json={"upstreams": ["alipay"], "reason": "x"})
    assert bad.status_code == 400 and bad.get_json()["error"] == "bad_input"
    assert "alipay" in bad.get_json()["error_description"]
    assert stored_sp(services).upstreams == ["gov"]


def test_a_new_sp_naming_an_unknown_upstream_is_not_imported(console_client, services,
                                                             upstreams):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    refused = client.post("/admin/saml/new", data={
        **CSRF, "reason": "接入人事系统", "department": "人社厅", "min_level": "1",
        "name": "人事系统", "upstreams_sent": "1", "upstreams": ["alipay"],
        "metadata_file": (io.BytesIO(SP_METADATA), "sp.xml")})
    page = refused.get_data(as_text=True)
    assert "alipay" in page and 'value="人事系统"' in page
    assert stored_sp(services) is None
