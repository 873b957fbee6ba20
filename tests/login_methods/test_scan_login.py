"""Scan to log in (扫码登录, issue 13) with the app's real access token (a code flow of the
built-in public client ``yiwang-app``): what the phone is shown, confirm and deny, the binding
to the browser that showed the code, expiry, single use, and the level the browser gets."""

from __future__ import annotations

import json
import os
from dataclasses import replace

import pytest
from flask.testing import FlaskClient
from methods_helpers import (
    RelyingParty,
    app_token,
    finish_scan,
    login_codes,
    page_text,
    show_qr,
)

from idp.authn.scan_login import SCAN_TTL

REDIS_URL = os.environ.get("IDP_TEST_REDIS", "redis://127.0.0.1:6379/0")


@pytest.fixture(params=["sql", "redis"])
def settings(request, settings):
    """Each test on both Stores: the request's state moves by compare-and-set in either."""
    return replace(settings, redis_url=REDIS_URL) if request.param == "redis" else settings


def _bearer(tokens: dict) -> dict:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def _app(app) -> FlaskClient:
    """The phone: a browser of its own (its web view), apart from the PC's."""
    return app.test_client()


def test_the_app_confirms_and_the_browser_that_showed_the_code_logs_in(
        app, client, svc, person, events):
    alice = person("alice", level=2)
    phone = _app(app)
    tokens = app_token(phone)
    rp = RelyingParty(svc, name="医保服务", min_level=2)
    login_id = rp.authorize(client)
    scan_id = show_qr(client, login_id)
    assert client.get(f"/login/scan/status?id={scan_id}").json == {"state": "waiting"}

    shown = phone.get(f"/scan/{scan_id}", headers=_bearer(tokens))
    assert shown.status_code == 200
    assert shown.json["site"] == "医保服务" and shown.json["browser"]["ip"] == "127.0.0.1"
    assert shown.json["state"] == "scanned"
    assert client.get(f"/login/scan/status?id={scan_id}").json == {"state": "scanned"}
    confirmed = phone.post(f"/scan/{scan_id}", json={"decision": "confirm"},
                           headers=_bearer(tokens))
    assert confirmed.status_code == 200 and confirmed.json["level"] == 2

    claims = rp.id_token(client, finish_scan(client, scan_id, login_id))
    assert claims["sub"] == alice.id and claims["amr"] == ["mca"] and claims["acr"] == "2"
    actions = [e.detail["action"] for e in events("login.scan")]
    assert actions == ["shown", "scanned", "confirmed", "used"]


def test_another_browser_cannot_use_a_confirmed_request(app, client, svc, person, events):
    person("alice")
    phone = _app(app)
    tokens = app_token(phone)
    scan_id = show_qr(client)
    phone.post(f"/scan/{scan_id}", json={"decision": "confirm"}, headers=_bearer(tokens))
    attacker = app.test_client()  # e.g. the phishing site's own browser, relaying the code
    stolen = finish_scan(attacker, scan_id)
    assert "/login" in stolen.headers["Location"] and not attacker.get_cookie("yiwang_sso")
    assert [e.detail.get("reason") for e in events("login.scan")
            if e.outcome == "failure"] == ["browser"]
    # The browser that showed it still can, once.
    assert finish_scan(client, scan_id).headers["Location"].endswith("/account")
    again = finish_scan(client, scan_id)
    assert "已使用" in page_text(client, again.headers["Location"])


def test_a_denied_request_logs_nobody_in(app, client, person, events):
    person("alice")
    phone = _app(app)
    tokens = app_token(phone)
    scan_id = show_qr(client)
    denied = phone.post(f"/scan/{scan_id}", data={"decision": "deny"}, headers=_bearer(tokens))
    assert denied.json["state"] == "denied"
    assert client.get(f"/login/scan/status?id={scan_id}").json == {"state": "denied"}
    refused = finish_scan(client, scan_id)
    assert "拒绝" in page_text(client, refused.headers["Location"])
    # Decided once: confirming afterwards is refused.
    late = phone.post(f"/scan/{scan_id}", json={"decision": "confirm"}, headers=_bearer(tokens))
    assert late.status_code == 409
    assert "denied" in [e.detail["action"] for e in events("login.scan")]


def test_an_expired_code_cannot_be_confirmed_nor_used(app, client, svc, person, events):
    person("alice")
    phone = _app(app)
    tokens = app_token(phone)
    scan_id = show_qr(client)
    _age(svc, scan_id, SCAN_TTL)  # two minutes later
    assert client.get(f"/login/scan/status?id={scan_id}").json == {"state": "expired"}
    late = phone.post(f"/scan/{scan_id}", json={"decision": "confirm"}, headers=_bearer(tokens))
    assert late.status_code == 410 and late.json["error"] == "expired"
    assert "过期" in page_text(client, finish_scan(client, scan_id).headers["Location"])
    assert [e.detail["action"] for e in events("login.scan")].count("expired") == 1


def test_a_level_one_app_session_never_gives_the_browser_level_two(
        app, client, svc, settings, person):
    """Alice is level 2, but her app logged in by SMS code (acr 1): the PC gets acr 1, and a
    relying party requiring level 2 gets no code from the scan alone."""
    person("alice", level=2)
    phone = _app(app)
    tokens = app_token(phone, sms_code_of=lambda number: login_codes(settings, number)[-1])
    scan_id = show_qr(client)
    confirmed = phone.post(f"/scan/{scan_id}", json={"decision": "confirm"},
                           headers=_bearer(tokens))
    assert confirmed.json["level"] == 1
    finish_scan(client, scan_id)
    rp = RelyingParty(svc, name="医保服务", min_level=2)
    login_id = rp.authorize(client)  # the level-1 session is not enough: the login page
    assert "医保服务" in page_text(client, f"/login?login={login_id}")


def test_only_the_apps_live_token_can_confirm(app, client, svc, person, login):
    person("alice")
    scan_id = show_qr(client)
    phone = _app(app)
    assert phone.post(f"/scan/{scan_id}", json={"decision": "confirm"}).status_code == 401
    forged = phone.post(f"/scan/{scan_id}", json={"decision": "confirm"},
                        headers={"Authorization": "Bearer not.a.token"})
    assert forged.status_code == 401 and "invalid_token" in forged.headers["WWW-Authenticate"]
    # A real access token, but another relying party's: not the app's, refused.
    other = RelyingParty(svc, name="别的网站")
    login_id = other.authorize(phone)
    other.id_token(phone, login(login_id=login_id, browser=phone))
    theirs = phone.post(f"/scan/{scan_id}", json={"decision": "confirm"},
                        headers=_bearer(other.tokens))
    assert theirs.status_code == 401
    assert client.get(f"/login/scan/status?id={scan_id}").json == {"state": "waiting"}


def test_a_relying_party_that_refuses_scan_shows_no_code(client, svc):
    rp = RelyingParty(svc, name="公积金提取", first_factors=["password", "sms"])
    login_id = rp.authorize(client)
    page = page_text(client, f"/login?login={login_id}&method=scan")
    assert "<svg" not in page and "扫码登录" not in page


def _age(svc, scan_id: str, seconds: int) -> None:
    key = f"scan-login:{scan_id}"
    entry = json.loads(svc.store.get(key))
    entry["created_at"] -= seconds
    svc.store.put(key, json.dumps(entry, sort_keys=True), 600)


def test_a_page_reloaded_in_a_loop_stops_getting_codes(client, svc, events):
    from idp.authn.scan_login import SHOWN_PER_IP

    for _ in range(SHOWN_PER_IP):
        show_qr(client)
    page = page_text(client, "/login?method=scan")
    assert "<svg" not in page and "获取二维码过于频繁" in page
    assert len(events("login.scan")) == SHOWN_PER_IP


def test_the_apps_client_is_registered_again_if_the_database_lost_it(settings, svc):
    from clients.app_client import APP_CLIENT_ID
    from clients.models import OidcClient
    from idp.app import create_app

    with svc.db.begin() as session:
        session.delete(session.get(OidcClient, APP_CLIENT_ID))
    create_app(settings)
    with svc.db.session() as session:
        again = session.get(OidcClient, APP_CLIENT_ID)
    assert again.builtin == "app" and again.is_public and again.first_party
