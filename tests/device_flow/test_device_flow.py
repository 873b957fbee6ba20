"""The device flow end to end through Flask's test client (RFC 8628): a terminal asks for a
code, a person types it at /device (no script), logs in through the usual login pages, answers
"是这台设备吗？", and the terminal's polls get every RFC 8628 §3.5 answer on the way."""

from __future__ import annotations

import time
from dataclasses import replace

from device_helpers import DEVICE_GRANT, Terminal, answer, claims, enter, text

from clients.registry import register_client
from idp.audit import SYSTEM_ACTOR


def _started(terminal, client, **form) -> dict:
    response = terminal.start(client, **form)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_discovery_advertises_the_device_endpoint_and_grant(client):
    meta = client.get("/.well-known/openid-configuration").get_json()
    assert meta["device_authorization_endpoint"] == meta["issuer"] + "/device_authorization"
    assert DEVICE_GRANT in meta["grant_types_supported"]


def test_a_terminal_gets_codes_a_person_approves_and_the_poll_returns_their_tokens(
        client, app, terminal, person, login, events):
    person("alice", level=2)
    started = _started(terminal, client, scope="openid profile")
    issuer = app.extensions["yiwang"].settings.issuer
    assert started["verification_uri"] == issuer + "/device"
    assert started["verification_uri_complete"] == (
        f"{issuer}/device?user_code={started['user_code']}")
    assert started["expires_in"] == 600 and started["interval"] == 1
    # RFC 8628 §6.1: 8 consonants shown as XXXX-XXXX.
    code = started["user_code"]
    assert len(code) == 9 and code[4] == "-"
    assert set(code.replace("-", "")) <= set("BCDFGHJKLMNPQRSTVWXZ")

    pending = terminal.poll(client, started["device_code"])
    assert pending.status_code == 400
    assert pending.get_json()["error"] == "authorization_pending"

    # The link from the terminal's QR code fills the form in; typing it lower case without
    # the dash works the same.
    assert code in text(client.get(f"/device?user_code={code}"))
    entered = enter(client, code.replace("-", "").lower())
    assert entered.status_code == 303 and entered.headers["Location"] == "/device/confirm"
    # Not logged in: the usual login pages, then back to the question.
    to_login = client.get("/device/confirm")
    assert to_login.status_code == 303 and to_login.headers["Location"].startswith("/login?login=")
    login_id = to_login.headers["Location"].split("login=")[1]
    logged_in = login("alice", login_id=login_id)
    assert logged_in.headers["Location"] == "/device/confirm"
    question = text(client.get("/device/confirm"))
    assert "是这台设备吗？" in question and "办事大厅自助终端" in question and code in question
    assert "姓名和用户名" in question  # the profile scope, described

    done = answer(client, "approve")
    assert done.status_code == 200 and "已授权" in text(done)

    time.sleep(1.1)  # the interval: an earlier poll would be slow_down
    tokens = terminal.poll(client, started["device_code"])
    assert tokens.status_code == 200, tokens.get_json()
    body = tokens.get_json()
    id_token = claims(body["id_token"])
    assert id_token["aud"] == terminal.client_id
    assert id_token["acr"] == "2" and id_token["amr"] == ["pwd"]
    assert body["scope"] == "openid profile"
    userinfo = client.get("/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert userinfo.get_json()["sub"] == id_token["sub"]

    # A device code gives tokens once.
    again = terminal.poll(client, started["device_code"])
    assert again.get_json()["error"] == "invalid_grant"

    actions = [e.detail["action"] for e in events("oauth.device")]
    assert actions == ["start", "approve"]
    issued = events("token.issue")
    assert [e.detail["grant_type"] for e in issued] == [DEVICE_GRANT]
    assert issued[0].client_id == terminal.client_id


def test_a_denial_is_access_denied_once(client, terminal, person, login, events):
    person("alice")
    started = _started(terminal, client)
    login("alice")
    enter(client, started["user_code"])
    denied = answer(client, "deny")
    assert "已拒绝" in text(denied)
    refused = terminal.poll(client, started["device_code"])
    assert refused.status_code == 400 and refused.get_json()["error"] == "access_denied"
    assert terminal.poll(client, started["device_code"]).get_json()["error"] == "invalid_grant"
    assert [e.detail["action"] for e in events("oauth.device")] == ["start", "deny"]
    # The code is spent: typing it again finds nothing.
    assert enter(client, started["user_code"]).status_code == 400


def test_polling_faster_than_the_interval_is_slow_down_and_the_interval_grows_by_5_seconds(
        client, terminal):
    started = _started(terminal, client)
    assert terminal.poll(client, started["device_code"]).get_json()["error"] == (
        "authorization_pending")
    assert terminal.poll(client, started["device_code"]).get_json()["error"] == "slow_down"
    # The interval is now 1 + 5 seconds: waiting the old interval is still too fast.
    time.sleep(1.5)
    assert terminal.poll(client, started["device_code"]).get_json()["error"] == "slow_down"


def test_an_expired_device_code_is_expired_token(settings):
    from idp.app import create_app

    short = create_app(replace(settings, device_code_seconds=1))
    client = short.test_client()
    terminal = _terminal(short)
    started = _started(terminal, client)
    time.sleep(1.2)
    expired = terminal.poll(client, started["device_code"])
    assert expired.status_code == 400 and expired.get_json()["error"] == "expired_token"
    page = enter(client, started["user_code"])
    assert page.status_code == 400 and "已过期" in text(page)
    short.extensions["yiwang"].db.dispose()


def _terminal(app) -> Terminal:
    client, _ = register_client(app.extensions["yiwang"], {
        "client_name": "电视", "token_endpoint_auth_method": "none",
        "grant_types": [DEVICE_GRANT]}, SYSTEM_ACTOR)
    return Terminal(client.client_id)


def test_a_client_not_registered_for_the_grant_is_unauthorized_client(client, terminal_of):
    code_only = terminal_of(grant_types=["authorization_code"],
                            redirect_uris=["https://rp.example.gov.cn/cb"])
    refused = code_only.start(client)
    assert refused.status_code == 400
    assert refused.get_json()["error"] == "unauthorized_client"
    polled = code_only.poll(client, "anything.at-all")
    assert polled.get_json()["error"] == "unauthorized_client"


def test_a_confidential_terminal_authenticates_as_at_the_token_endpoint(client, terminal_of):
    confidential = terminal_of(token_endpoint_auth_method="client_secret_basic")
    assert confidential.secret
    assert confidential.start(client).status_code == 200
    # Naming itself is not enough for a client with a secret.
    bare = client.post("/device_authorization", data={"client_id": confidential.client_id})
    assert bare.status_code == 401 and bare.get_json()["error"] == "invalid_client"


def test_an_unknown_device_code_is_invalid_grant(client, terminal):
    polled = terminal.poll(client, "no-such.code")
    assert polled.status_code == 400 and polled.get_json()["error"] == "invalid_grant"


def test_a_relying_partys_minimum_level_sends_a_weaker_session_to_the_login_pages(
        client, terminal_of, person, login):
    person("bob", level=1)
    strict = terminal_of(min_level=2)
    started = _started(strict, client)
    login("bob")
    enter(client, started["user_code"])
    step_up = client.get("/device/confirm")
    assert step_up.status_code == 303 and step_up.headers["Location"].startswith("/login?login=")


def test_a_terminal_registered_for_refresh_tokens_gets_one_that_refreshes(
        client, terminal_of, person, login):
    person("alice")
    tv = terminal_of(grant_types=[DEVICE_GRANT, "refresh_token"],
                     scope="openid profile offline_access")
    started = _started(tv, client, scope="openid offline_access")
    login("alice")
    enter(client, started["user_code"])
    answer(client, "approve")
    time.sleep(1.1)
    body = tv.poll(client, started["device_code"]).get_json()
    assert body.get("refresh_token"), body
    refreshed = client.post("/token", data={"grant_type": "refresh_token",
                                            "refresh_token": body["refresh_token"],
                                            "client_id": tv.client_id})
    assert refreshed.status_code == 200, refreshed.get_json()
    assert claims(refreshed.get_json()["id_token"])["sub"] == claims(body["id_token"])["sub"]


def test_the_forms_refuse_a_post_without_their_csrf_token(client, terminal, person, login):
    person("alice")
    started = _started(terminal, client)
    assert client.post("/device", data={"user_code": started["user_code"]}).status_code == 400
    login("alice")
    enter(client, started["user_code"])
    forged = client.post("/device/confirm", data={"decision": "approve"})
    assert forged.status_code == 400
    assert terminal.poll(client, started["device_code"]).get_json()["error"] == (
        "authorization_pending")


def test_scopes_the_client_may_not_have_are_dropped_and_none_at_all_is_invalid_scope(
        client, terminal, person, login):
    person("alice")
    started = _started(terminal, client, scope="openid email profile")
    login("alice")
    enter(client, started["user_code"])
    assert "电子邮箱" not in text(client.get("/device/confirm"))
    answer(client, "approve")
    time.sleep(1.1)
    # email is not among the terminal's scopes
    assert terminal.poll(client, started["device_code"]).get_json()["scope"] == "openid profile"
    none = terminal.start(client, scope="email address")
    assert none.status_code == 400 and none.get_json()["error"] == "invalid_scope"
