"""The endpoints programs call skip what only pages need, and lose none of their promises:
no browser session is read or set, the edge checks and security headers still apply, and a
token whose signature was checked before is still refused once it expires or is revoked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest


@pytest.fixture
def api(make_client):
    return make_client(grant_types=["client_credentials"], scope="profile", redirect_uris=[])


def _token(client, api) -> str:
    response = client.post("/token", data={"grant_type": "client_credentials"},
                           headers=api.basic)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["access_token"]


def test_token_endpoint_neither_reads_nor_sets_a_browser_session(client, api):
    client.get("/login")  # a page: the browser now holds the signed session cookie
    assert client.get_cookie("yiwang_web") is not None
    response = client.post("/token", data={"grant_type": "client_credentials"},
                           headers=api.basic)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"  # still a JSON response


def test_the_input_guard_still_refuses_hostile_text_on_the_lean_path(client, api):
    refused = client.post("/token", data={"grant_type": "client_credentials\x00"},
                          headers=api.basic)
    assert refused.status_code == 400 and refused.get_json()["error"] == "invalid_request"


def test_a_token_introspected_before_is_inactive_once_revoked(client, api):
    token = _token(client, api)
    for _ in range(2):  # the second answer comes from the checked signature
        assert client.post("/introspect", data={"token": token},
                           headers=api.basic).get_json()["active"] is True
    assert client.post("/revoke", data={"token": token}, headers=api.basic).status_code == 200
    assert client.post("/introspect", data={"token": token},
                       headers=api.basic).get_json() == {"active": False}


def test_a_token_introspected_before_is_inactive_once_it_expires(client, svc, api):
    token = _token(client, api)
    assert client.post("/introspect", data={"token": token},
                       headers=api.basic).get_json()["active"] is True
    later = datetime.now(UTC) + timedelta(seconds=svc.settings.longest_token_seconds + 60)
    svc.signing_keys.clock = lambda: later
    assert client.post("/introspect", data={"token": token},
                       headers=api.basic).get_json() == {"active": False}

