"""RFC 7591 registration and RFC 7592 management, as a registrant sees them over HTTP."""

import json

import pytest
from flask import Flask

from clients.initial_tokens import issue_initial_access_token
from idp.audit import SYSTEM_ACTOR
from tests.clients.conftest import bearer
from tests.conftest import running

METADATA = {
    "client_name": "不动产登记",
    "redirect_uris": ["https://bdc.example.gov.cn/cb"],
    "post_logout_redirect_uris": ["https://bdc.example.gov.cn/"],
    "backchannel_logout_uri": "https://bdc.example.gov.cn/bc",
    "scope": "openid profile id_card",
    "first_party": True,
}


def _register(client, token, metadata=METADATA):
    return client.post("/connect/register", json=metadata, headers=bearer(token))


def test_a_registrant_gets_credentials_and_its_metadata(backend, client, initial_token):
    response = _register(client, initial_token)
    body = response.get_json()
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    assert body["client_secret"] and body["client_secret_expires_at"] == 0
    assert body["registration_access_token"]
    assert body["registration_client_uri"].endswith(f"/connect/register/{body['client_id']}")
    assert body["redirect_uris"] == METADATA["redirect_uris"]
    assert body["token_endpoint_auth_method"] == "client_secret_basic"
    # Policy is the administrator's: no id_card scope and no first-party status by asking.
    assert body["scope"] == "openid profile"
    assert "first_party" not in body


def test_registration_needs_a_live_initial_access_token(client, initial_token):
    for headers in ({}, bearer("forged"), {"Authorization": f"Basic {initial_token}"}):
        response = client.post("/connect/register", json=METADATA, headers=headers)
        assert response.status_code == 401
        assert response.get_json()["error"] == "invalid_token"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_initial_access_token_is_single_use(client, initial_token):
    assert _register(client, initial_token).status_code == 201
    assert _register(client, initial_token).status_code == 401


def test_a_reusable_initial_access_token_registers_several_clients(client, services):
    token = issue_initial_access_token(services, SYSTEM_ACTOR, ttl=60, single_use=False)
    assert _register(client, token).status_code == 201
    assert _register(client, token).status_code == 201


def test_bad_metadata_does_not_spend_the_token(client, initial_token):
    bad = {**METADATA, "redirect_uris": ["https://bdc.example.gov.cn/cb#x"]}
    response = _register(client, initial_token, bad)
    assert response.status_code == 400
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["error"] == "invalid_redirect_uri"
    assert "fragment" in body["error_description"]
    assert _register(client, initial_token).status_code == 201


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({**METADATA, "redirect_uris": ["http://bdc.example.gov.cn/cb"]}, "invalid_redirect_uri"),
        ({**METADATA, "grant_types": ["implicit"]}, "invalid_client_metadata"),
        ({**METADATA, "id_token_signed_response_alg": "none"}, "invalid_client_metadata"),
        (["not", "an", "object"], "invalid_client_metadata"),
    ],
)
def test_registration_errors_follow_rfc_7591(client, initial_token, body, error):
    response = _register(client, initial_token, body)
    assert response.status_code == 400
    assert response.get_json()["error"] == error
    assert response.get_json()["error_description"]


def test_a_body_that_is_not_json_is_invalid_client_metadata(client, initial_token):
    response = client.post("/connect/register", data="redirect_uris=x",
                           headers=bearer(initial_token),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_client_metadata"


def test_the_registration_access_token_reads_updates_and_deletes(backend, client, initial_token):
    created = _register(client, initial_token).get_json()
    path = f"/connect/register/{created['client_id']}"
    auth = bearer(created["registration_access_token"])

    read = client.get(path, headers=auth)
    assert read.status_code == 200 and read.headers["Cache-Control"] == "no-store"
    assert read.get_json()["client_name"] == "不动产登记" and "client_secret" not in read.get_json()

    replaced = {**created, "client_name": "不动产登记中心",
                "redirect_uris": ["https://bdc.example.gov.cn/cb2"]}
    updated = client.put(path, json=replaced, headers=auth)
    assert updated.status_code == 200
    assert updated.get_json()["redirect_uris"] == ["https://bdc.example.gov.cn/cb2"]
    assert client.get(path, headers=auth).get_json()["client_name"] == "不动产登记中心"

    assert client.delete(path, headers=auth).status_code == 204
    assert client.get(path, headers=auth).status_code == 401


def test_management_refuses_a_wrong_token_and_mismatched_updates(client, initial_token):
    created = _register(client, initial_token).get_json()
    path = f"/connect/register/{created['client_id']}"
    auth = bearer(created["registration_access_token"])
    assert client.get(path, headers=bearer("wrong")).status_code == 401
    assert client.get("/connect/register/unknown", headers=auth).status_code == 401
    assert client.delete(path, headers=bearer("wrong")).status_code == 401
    for change in ({"client_id": "other"}, {"client_secret": "not-the-secret"}):
        response = client.put(path, json={**created, **change}, headers=auth)
        assert response.status_code == 400
        assert response.get_json()["error"] == "invalid_client_metadata"


def test_a_sector_identifier_uri_is_fetched_and_checked(client, services):
    sector = Flask("sector")
    listed = ["https://a.example.gov.cn/cb", "https://b.example.gov.cn/cb"]
    sector.add_url_rule("/uris.json", "uris", lambda: json.dumps(listed))
    metadata = {"client_name": "x", "subject_type": "pairwise", "redirect_uris": listed}
    with running(sector) as base:
        ok = {**metadata, "sector_identifier_uri": f"{base}/uris.json"}
        token = issue_initial_access_token(services, SYSTEM_ACTOR, ttl=60, single_use=False)
        assert _register(client, token, ok).status_code == 201
        missing = {**ok, "redirect_uris": [*listed, "https://c.example.gov.cn/cb"]}
        response = _register(client, token, missing)
        assert response.get_json()["error"] == "invalid_client_metadata"
        gone = {**ok, "sector_identifier_uri": f"{base}/missing.json"}
        assert "could not be fetched" in _register(client, token, gone).get_json()[
            "error_description"]


def test_a_native_public_client_registers_without_a_secret(client, initial_token):
    response = _register(client, initial_token, {
        "application_type": "native", "token_endpoint_auth_method": "none",
        "redirect_uris": ["cn.gov.example.app:/cb", "http://127.0.0.1/cb"]})
    body = response.get_json()
    assert response.status_code == 201
    assert "client_secret" not in body and body["token_endpoint_auth_method"] == "none"


@pytest.fixture
def redis_app(redis_settings):
    from idp.app import create_app

    app = create_app(redis_settings)
    yield app
    app.extensions["yiwang"].db.dispose()


def test_initial_access_tokens_work_on_the_redis_store(backend, redis_app):
    token = issue_initial_access_token(redis_app.extensions["yiwang"], SYSTEM_ACTOR, ttl=60)
    browser = redis_app.test_client()
    assert _register(browser, token).status_code == 201
    assert _register(browser, token).status_code == 401
