"""Each role against each console action, over HTTP: allowed -> 200/201/303, refused -> 403.

The department administrator of 税务局 acts on 税务局's client (its own department).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from admin.roles import Role

SYS, SEC, AUD, DEPT = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN,
                       Role.DEPARTMENT_ADMIN)
ROLES = (SYS, SEC, AUD, DEPT)
REASON = {"reason": "工单 2026-001"}
NEW_CLIENT = {
    "client_name": "不动产登记", "department": "税务局",
    "redirect_uris": "https://bdc.example.gov.cn/cb", "scope": "openid profile", **REASON,
}

# (name, method, path, form or JSON body, roles allowed)
PAGES = [
    ("list relying parties", "GET", "/admin/relying-parties", None, {SYS, DEPT}),
    ("open the new-client form", "GET", "/admin/clients/new", None, {SYS, DEPT}),
    ("register a client", "POST", "/admin/clients/new", NEW_CLIENT, {SYS, DEPT}),
    ("view a client", "GET", "/admin/clients/{client}", None, {SYS, DEPT}),
    ("edit a client", "POST", "/admin/clients/{client}",
     {"client_name": "电子税务局（新）", "redirect_uris": "https://etax.example.gov.cn/callback",
      **REASON}, {SYS, DEPT}),
    ("disable a client", "POST", "/admin/clients/{client}/disable", REASON, {SYS, DEPT}),
    ("rotate a client secret", "POST", "/admin/clients/{client}/secret", REASON, {SYS, DEPT}),
    ("open the SAML import form", "GET", "/admin/saml/new", None, {SYS, DEPT}),
    ("view a SAML SP", "GET", "/admin/saml?entity_id={sp}", None, {SYS, DEPT}),
    ("edit a SAML SP", "POST", "/admin/saml?entity_id={sp}",
     {"name": "人事系统", "department": "税务局", "min_level": "2", **REASON}, {SYS, DEPT}),
    ("disable a SAML SP", "POST", "/admin/saml/disable?entity_id={sp}", REASON, {SYS, DEPT}),
    ("open account search", "GET", "/admin/accounts", None, {SEC}),
    ("search accounts", "POST", "/admin/accounts", {"q": "citizen"}, {SEC}),
    ("view an account", "GET", "/admin/accounts/{person}", None, {SEC}),
    ("unlock an account", "POST", "/admin/accounts/{person}/unlock", REASON, {SEC}),
    ("force a logout", "POST", "/admin/accounts/{person}/logout", REASON, {SEC}),
    ("revoke an authorisation", "POST", "/admin/accounts/{person}/revoke",
     {"credit_code": "91350100M000100Y43", **REASON}, {SEC}),
    ("reset a phone (assisted recovery)", "POST", "/admin/accounts/{person}/recovery/phone",
     {"phone": "13900001111", **REASON}, {SEC}),
    ("remove a second factor (assisted recovery)", "POST",
     "/admin/accounts/{person}/recovery/second-factor", REASON, {SEC}),
    ("list keys", "GET", "/admin/keys", None, {SYS}),
    ("rotate a key", "POST", "/admin/keys/rotate", {"alg": "ES256", **REASON}, {SYS}),
    ("see the settings", "GET", "/admin/settings", None, {SYS}),
    ("read the audit", "GET", "/admin/audit", None, {AUD}),
    ("export the audit as CSV", "GET", "/admin/audit/export.csv", None, {AUD}),
    ("export the audit as JSON Lines", "GET", "/admin/audit/export.jsonl", None, {AUD}),
    ("see the dashboard", "GET", "/admin/dashboard", None, {SEC, AUD}),
]
API = [
    ("list relying parties", "GET", "/admin/api/relying-parties", None, {SYS, DEPT}),
    ("register a client", "POST", "/admin/api/clients",
     {**NEW_CLIENT, "redirect_uris": ["https://bdc.example.gov.cn/cb"]}, {SYS, DEPT}),
    ("view a client", "GET", "/admin/api/clients/{client}", None, {SYS, DEPT}),
    ("edit a client", "PATCH", "/admin/api/clients/{client}", {"min_level": 2, **REASON},
     {SYS, DEPT}),
    ("disable a client", "POST", "/admin/api/clients/{client}/disable", REASON, {SYS, DEPT}),
    ("rotate a client secret", "POST", "/admin/api/clients/{client}/secret", REASON,
     {SYS, DEPT}),
    ("view a SAML SP", "GET", "/admin/api/saml?entity_id={sp}", None, {SYS, DEPT}),
    ("edit a SAML SP", "PATCH", "/admin/api/saml?entity_id={sp}", {"min_level": 3, **REASON},
     {SYS, DEPT}),
    ("search accounts", "POST", "/admin/api/accounts/search", {"q": "citizen"}, {SEC}),
    ("view an account", "GET", "/admin/api/accounts/{person}", None, {SEC}),
    ("unlock an account", "POST", "/admin/api/accounts/{person}/unlock", REASON, {SEC}),
    ("force a logout", "POST", "/admin/api/accounts/{person}/logout", REASON, {SEC}),
    ("reset a phone (assisted recovery)", "POST", "/admin/api/accounts/{person}/phone",
     {"phone": "13900001111", **REASON}, {SEC}),
    ("remove a second factor (assisted recovery)", "POST",
     "/admin/api/accounts/{person}/second-factor/remove", REASON, {SEC}),
    ("list keys", "GET", "/admin/api/keys", None, {SYS}),
    ("see the settings", "GET", "/admin/api/settings", None, {SYS}),
    ("rotate a key", "POST", "/admin/api/keys/rotate", {"alg": "ES256", **REASON}, {SYS}),
    ("read the audit", "GET", "/admin/api/audit", None, {AUD}),
    ("export the audit", "GET", "/admin/api/audit/export?format=jsonl", None, {AUD}),
    ("see the dashboard", "GET", "/admin/api/dashboard", None, {SEC, AUD}),
]


def _cases(table):
    return [pytest.param(method, path, body, role, role in allowed,
                         id=f"{role.value}-{'may' if role in allowed else 'may not'} {name}")
            for name, method, path, body, allowed in table for role in ROLES]


def _department(role: Role) -> str | None:
    return "税务局" if role is Role.DEPARTMENT_ADMIN else None


@pytest.mark.parametrize(("method", "path", "form", "role", "allowed"), _cases(PAGES))
def test_console_page_answers_by_role(
    console_client, dept_client, dept_sp, citizen, method, path, form, role, allowed
):
    client, _ = console_client(role, _department(role))
    url = path.format(client=dept_client[0].client_id, person=citizen.id,
                      sp=quote(dept_sp.entity_id, safe=""))
    data = {**form, "csrf_token": "test-csrf-token"} if form else None
    response = client.open(url, method=method, data=data)
    if allowed:
        assert response.status_code in (200, 303), response.get_data(as_text=True)[:500]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(("method", "path", "body", "role", "allowed"), _cases(API))
def test_console_api_answers_by_role(
    console_client, dept_client, dept_sp, citizen, method, path, body, role, allowed
):
    client, _ = console_client(role, _department(role))
    url = path.format(client=dept_client[0].client_id, person=citizen.id,
                      sp=quote(dept_sp.entity_id, safe=""))
    response = client.open(url, method=method, json=body,
                           headers={"X-CSRF-Token": "test-csrf-token"})
    if allowed:
        assert response.status_code in (200, 201), response.get_data(as_text=True)[:500]
    else:
        assert response.status_code == 403
        assert response.get_json()["error"] == "forbidden"


def test_an_account_without_an_admin_role_is_refused_everywhere(console_client):
    client, _ = console_client(None)
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/api/me").status_code == 403


def test_without_a_console_session_pages_send_to_sign_in_and_the_api_answers_401(client):
    page = client.get("/admin/relying-parties")
    assert page.status_code == 303 and "/admin/login" in page.headers["Location"]
    assert client.get("/admin/api/relying-parties").status_code == 401
