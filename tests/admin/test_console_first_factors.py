"""The first factors a relying party accepts (issue 13) are set where its other policy is:
checkboxes on the console's OIDC client and SAML SP forms, and the console's JSON API."""

from __future__ import annotations

import io
from urllib.parse import quote

from admin.roles import Role
from tests.admin.admin_helpers import (
    API,
    CSRF,
    SP_ENTITY,
    SP_METADATA,
    stored_client,
    stored_sp,
)


def test_a_clients_first_factors_change_on_its_page(console_client, services, dept_client):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    registered, _ = dept_client
    page = f"/admin/clients/{registered.client_id}"
    shown = client.get(page).get_data(as_text=True)
    assert 'name="first_factors" value="sms" checked' in shown
    fields = {**CSRF, "reason": "不收短信登录", "client_name": registered.name,
              "redirect_uris": "https://etax.example.gov.cn/callback", "scope": "openid",
              "first_factors_sent": "1"}
    done = client.post(page, data={**fields, "first_factors": ["password", "passkey"]})
    assert done.status_code == 303
    assert stored_client(services, registered.client_id).first_factors == ["password", "passkey"]
    refused = client.post(page, data=fields)  # none ticked
    assert refused.status_code == 400 and "first_factors" in refused.get_data(as_text=True)
    assert stored_client(services, registered.client_id).first_factors == ["password", "passkey"]
    answer = client.patch(f"/admin/api/clients/{registered.client_id}", headers=API,
                          json={"first_factors": ["scan"], "reason": "只用扫码"})
    assert answer.status_code == 200 and answer.get_json()["first_factors"] == ["scan"]


def test_an_sps_first_factors_are_set_on_its_form_and_by_the_api(console_client, services):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    client.post("/admin/saml/new", data={
        **CSRF, "reason": "接入不动产系统", "department": "自然资源厅", "min_level": "1",
        "first_factors_sent": "1", "first_factors": ["password", "scan"],
        "metadata_file": (io.BytesIO(SP_METADATA), "sp.xml")})
    assert stored_sp(services).first_factors == ["password", "scan"]
    page = client.get(f"/admin/saml?entity_id={quote(SP_ENTITY)}").get_data(as_text=True)
    assert 'value="scan" checked' in page and 'value="sms" checked' not in page
    answer = client.patch(f"/admin/api/saml?entity_id={quote(SP_ENTITY)}", headers=API,
                          json={"first_factors": ["password", "sms"], "reason": "加短信"})
    assert answer.status_code == 200 and answer.get_json()["first_factors"] == ["password", "sms"]
    bad = client.patch(f"/admin/api/saml?entity_id={quote(SP_ENTITY)}", headers=API,
                       json={"first_factors": ["face"], "reason": "x"})
    assert bad.status_code == 400 and stored_sp(services).first_factors == ["password", "sms"]
