"""SAML service providers in the console: import from a file or a URL, edit policy, disable."""

from __future__ import annotations

import io
from dataclasses import replace
from urllib.parse import quote

import pytest
from sqlalchemy import select

from admin.roles import Role
from idp.audit import AuditEvent, EventType
from tests.admin.admin_helpers import SP_ENTITY, SP_METADATA

ENTITY, METADATA = SP_ENTITY, SP_METADATA
FORM = {"csrf_token": "test-csrf-token", "reason": "接入人社系统", "department": "人社厅",
        "min_level": "2", "allowed_attributes": ["name", "sub"]}


@pytest.fixture
def settings(settings):
    """The metadata server below listens on loopback, which only this setting lets through."""
    return replace(settings, metadata_fetch_allow_private=True)


@pytest.fixture
def metadata_server(http_server):
    """Base URL of a local HTTP server that serves METADATA at /metadata.xml."""
    return http_server({"/metadata.xml": (200, METADATA, {"Content-Type": "application/xml"})}).url


def test_an_sp_is_registered_from_an_uploaded_metadata_file(console_client):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    response = client.post("/admin/saml/new", data={
        **FORM, "metadata_file": (io.BytesIO(METADATA), "sp.xml")},
        content_type="multipart/form-data")
    assert response.status_code == 303
    page = client.get(f"/admin/saml?entity_id={quote(ENTITY)}").get_data(as_text=True)
    assert "https://hr.example.gov.cn/saml/acs" in page
    sp = client.get(f"/admin/api/saml?entity_id={quote(ENTITY)}").get_json()
    assert sp["department"] == "人社厅" and sp["min_level"] == 2
    assert sp["allowed_attributes"] == ["name", "sub"]


def test_an_sp_is_registered_from_a_metadata_url(console_client, metadata_server):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    response = client.post("/admin/saml/new", data={
        **FORM, "metadata_url": metadata_server + "/metadata.xml"})
    assert response.status_code == 303
    listed = client.get("/admin/api/relying-parties").get_json()["relying_parties"]
    assert [rp["id"] for rp in listed if rp["kind"] == "saml"] == [ENTITY]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/m.xml", "gopher://x"])
def test_a_metadata_url_that_is_not_http_is_refused(console_client, url):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    response = client.post("/admin/saml/new", data={**FORM, "metadata_url": url})
    assert response.status_code == 200 and "http(s)" in response.get_data(as_text=True)
    listed = client.get("/admin/api/relying-parties").get_json()["relying_parties"]
    assert [rp for rp in listed if rp["kind"] == "saml"] == []


def test_a_metadata_url_that_fails_names_the_problem(console_client, metadata_server):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    response = client.post("/admin/saml/new", data={
        **FORM, "metadata_url": metadata_server + "/missing.xml"})
    assert "HTTP 404" in response.get_data(as_text=True)


def test_an_sp_policy_edit_is_audited_with_before_and_after(console_client, services):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    client.post("/admin/saml/new", data={**FORM, "metadata_file": (io.BytesIO(METADATA),
                                                                   "sp.xml")},
                content_type="multipart/form-data")
    response = client.post(f"/admin/saml?entity_id={quote(ENTITY)}", data={
        "csrf_token": "test-csrf-token", "reason": "提高级别", "name": "人事系统",
        "department": "人社厅", "min_level": "3", "allowed_attributes": ["name", "sub"]})
    assert response.status_code == 303
    with services.db.session() as session:
        actions = list(session.scalars(select(AuditEvent).where(
            AuditEvent.type == EventType.ADMIN_ACTION.value, AuditEvent.client_id == ENTITY)
            .order_by(AuditEvent.id)))
    update = actions[-1]
    assert update.detail["action"] == "saml.update" and update.detail["reason"] == "提高级别"
    assert update.detail["before"]["min_level"] == 2 and update.detail["after"]["min_level"] == 3


def test_a_department_administrator_cannot_import_an_sp_for_another_department(console_client):
    client, _ = console_client(Role.DEPARTMENT_ADMIN, "税务局")
    response = client.post("/admin/saml/new", data={
        **FORM, "metadata_file": (io.BytesIO(METADATA), "sp.xml")},
        content_type="multipart/form-data")
    assert response.status_code == 403
