"""The endpoints programs call skip what only pages need, and lose none of their promises:
no browser session is read or set, the edge checks and security headers still apply, and a
token whose signature was checked before is still refused once it expires or is revoked."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from oidc_helpers import Rp, get_code, redeem
from sqlalchemy import select

from clients.registry import register_client
from idp.app import create_app
from idp.audit import SYSTEM_ACTOR, AuditEvent
from idp.store import StoreUnavailable


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



def _audited_actor(svc, event_type: str) -> tuple[str, str]:
    with svc.db.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.type == event_type)
                                .order_by(AuditEvent.id.desc())).first()
        return event.ip, event.user_agent


def test_a_token_issued_before_flask_is_audited_with_the_caller_behind_a_trusted_proxy(
    api_behind_proxy
):
    client, svc, api = api_behind_proxy
    response = client.post("/token", data={"grant_type": "client_credentials"},
                           headers={**api.basic, "X-Forwarded-For": "203.0.113.9",
                                    "User-Agent": "department-batch/2.1"})
    assert response.status_code == 200
    assert _audited_actor(svc, "token.issue") == ("203.0.113.9", "department-batch/2.1")


@pytest.fixture
def api_behind_proxy(settings):
    """An app behind one trusted proxy, its test client, and a client-credentials client."""
    app = create_app(replace(settings, trusted_proxies=1))
    svc = app.extensions["yiwang"]
    client_row, secret = register_client(svc, {
        "client_name": "批量接口", "redirect_uris": [], "first_party": True,
        "scope": "profile", "grant_types": ["client_credentials"]}, SYSTEM_ACTOR)
    yield app.test_client(), svc, Rp(client_row.client_id, secret, "")
    svc.db.dispose()


@pytest.mark.parametrize("body", [
    "grant_type=client_credentials&scope=profile",
    "grant_type=client_credentials&scope=profile&scope=profile",
    "grant_type=client_credentials&scope=admin",
    "grant_type=password&username=a&password=b",
    "grant_type=",
    "",
])
def test_a_token_request_gets_the_same_answer_before_flask_and_through_it(client, api, body):
    form = {**api.basic, "Content-Type": "application/x-www-form-urlencoded"}
    lean = client.post("/token", headers=form, data=body)
    # A query string sends the request through Flask's view.
    flask = client.post("/token?via=flask", headers=form, data=body)
    assert lean.status_code == flask.status_code
    assert lean.get_json().get("error") == flask.get_json().get("error")
    assert lean.get_json().get("scope") == flask.get_json().get("scope")
    for name in ("Content-Type", "Cache-Control", "Pragma", "X-Frame-Options",
                 "Content-Security-Policy"):
        assert lean.headers.get(name) == flask.headers.get(name), name


def test_a_body_that_is_not_a_form_is_left_to_flask(client, api):
    response = client.post("/token", json={"grant_type": "client_credentials"},
                           headers=api.basic)
    assert response.status_code == 400
    assert response.get_json()["error"] == "unsupported_grant_type"


def test_an_outage_on_the_lean_path_is_flasks_503_not_a_500(client, svc, api, monkeypatch):
    def down(*_args, **_kwargs):
        raise StoreUnavailable("the Store is down")

    monkeypatch.setattr(type(svc.audit_batch), "record", down)
    response = client.post("/token", data={"grant_type": "client_credentials"},
                           headers=api.basic)
    assert response.status_code == 503
    assert response.get_json()["error"] == "temporarily_unavailable"
    assert response.headers["Retry-After"] and response.headers["X-Frame-Options"] == "DENY"


def test_userinfo_answered_before_flask_takes_the_token_from_the_header_or_the_form(
    client, rp, pkce, person, login
):
    login(person)
    token = redeem(client, rp, get_code(client, rp, pkce), pkce).get_json()["access_token"]
    by_header = client.get("/userinfo", headers={"Authorization": f"Bearer {token}"})
    by_form = client.post("/userinfo", data={"access_token": token})
    assert by_header.status_code == by_form.status_code == 200
    assert by_header.get_json() == by_form.get_json()
    assert by_header.get_json()["name"] == "张三"
    assert by_header.headers["Cache-Control"] == "no-store"
    refused = client.get("/userinfo", headers={"Authorization": "Bearer not-a-token"})
    assert refused.status_code == 401
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
