"""Which accounts a relying party admits (issue 14: citizens, staff or both) is set where its
other policy is: the console's OIDC client and SAML SP forms (a checkbox pair), the console's
JSON API for SAML SPs, and `idp clients update --account-class` for both kinds."""

from __future__ import annotations

import io
import json
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


def test_a_client_registered_on_the_form_admits_citizens_unless_staff_are_ticked(
    console_client, services
):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    form = client.get("/admin/clients/new").get_data(as_text=True)
    assert 'name="account_classes" value="staff"' in form and "工作人员" in form
    assert 'value="person" checked' in form and 'value="staff" checked' not in form
    answer = client.post("/admin/clients/new", data={
        **CSRF, "reason": "内部办公系统", "client_name": "内部办公", "scope": "openid profile",
        "redirect_uris": "https://oa.example.gov.cn/cb", "account_classes_sent": "1",
        "account_classes": ["person", "staff"],
        "token_endpoint_auth_method": "client_secret_basic"})
    client_id = answer.headers["Location"].split("/clients/")[1].split("/")[0]
    assert stored_client(services, client_id).account_classes == ["person", "staff"]
    detail = client.get(f"/admin/clients/{client_id}").get_data(as_text=True)
    assert 'value="staff" checked' in detail


def test_a_clients_classes_change_on_its_page_and_none_at_all_is_refused(
    console_client, services, dept_client
):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    registered, _ = dept_client
    page = f"/admin/clients/{registered.client_id}"
    fields = {**CSRF, "reason": "只供工作人员", "client_name": registered.name,
              "redirect_uris": "https://etax.example.gov.cn/callback", "scope": "openid",
              "account_classes_sent": "1"}
    assert client.post(page, data={**fields, "account_classes": ["staff"]}).status_code == 303
    assert stored_client(services, registered.client_id).account_classes == ["staff"]
    refused = client.post(page, data=fields)  # both unticked
    assert refused.status_code == 400 and "account_classes" in refused.get_data(as_text=True)
    assert stored_client(services, registered.client_id).account_classes == ["staff"]


def test_an_sp_admits_staff_after_its_form_or_the_api_says_so(console_client, services):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    client.post("/admin/saml/new", data={
        **CSRF, "reason": "接入人事系统", "department": "人社厅", "min_level": "1",
        "account_classes_sent": "1", "account_classes": ["staff"],
        "metadata_file": (io.BytesIO(SP_METADATA), "sp.xml")})
    assert stored_sp(services).account_classes == ["staff"]
    page = client.get(f"/admin/saml?entity_id={quote(SP_ENTITY)}").get_data(as_text=True)
    assert 'value="staff" checked' in page and 'value="person" checked' not in page
    client.post(f"/admin/saml?entity_id={quote(SP_ENTITY)}", data={
        **CSRF, "reason": "市民也可用", "name": "人事系统", "department": "人社厅",
        "min_level": "1", "account_classes_sent": "1", "account_classes": ["person", "staff"]})
    assert stored_sp(services).account_classes == ["person", "staff"]
    answer = client.patch(f"/admin/api/saml?entity_id={quote(SP_ENTITY)}", headers=API,
                          json={"account_classes": ["person"], "reason": "仅限市民"})
    assert answer.status_code == 200 and answer.get_json()["account_classes"] == ["person"]
    assert stored_sp(services).account_classes == ["person"]
    bad = client.patch(f"/admin/api/saml?entity_id={quote(SP_ENTITY)}", headers=API,
                       json={"account_classes": ["robot"], "reason": "x"})
    assert bad.status_code == 400 and stored_sp(services).account_classes == ["person"]


def test_the_saml_api_registers_an_sp_for_staff(console_client, services):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    answer = client.post("/admin/api/saml", headers=API, json={
        "metadata_xml": SP_METADATA.decode(), "reason": "工作人员系统",
        "account_classes": ["staff"]})
    assert answer.status_code == 201 and answer.get_json()["account_classes"] == ["staff"]


def test_clients_update_sets_the_classes_of_a_client_and_of_an_sp(cli, services, dept_client,
                                                                  dept_sp):
    registered, _ = dept_client
    done = cli("clients", "update", registered.client_id, "--account-class", "person",
               "--account-class", "staff", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["account_classes"] == ["person", "staff"]
    assert stored_client(services, registered.client_id).account_classes == ["person", "staff"]
    done = cli("clients", "update", SP_ENTITY, "--account-class", "staff", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["account_classes"] == ["staff"]
    assert stored_sp(services).account_classes == ["staff"]
    unknown = cli("clients", "update", "no-such-client", "--account-class", "staff", "--json")
    assert unknown.exit_code == 1 and json.loads(unknown.output)["error"] == "not_found"
