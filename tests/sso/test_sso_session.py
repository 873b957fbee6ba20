"""The SSO session: lifetimes, logout everywhere, signed-in sites and other sessions."""

from __future__ import annotations

import json

import pytest

from idp.services import Services
from idp.sso.session import COOKIE_NAME


@pytest.fixture(params=["sql", "redis"])
def sessions(request, settings, redis_settings, backend):
    built = Services.build(redis_settings if request.param == "redis" else settings,
                           upgrade=False)
    yield built.sessions
    built.db.dispose()


def test_a_session_ends_after_the_idle_time_without_use(sessions):
    now = 1_900_000_000
    token, _ = sessions.create(account_id="a1", username="alice", level=2, amr=["pwd"], now=now)
    assert sessions.load(token, now=now + sessions.idle - 1) is not None
    assert sessions.load(token, now=now + 2 * sessions.idle) is None


def test_use_keeps_a_session_alive_but_never_past_its_absolute_lifetime(sessions):
    now = 1_900_000_000
    token, _ = sessions.create(account_id="a1", username="alice", level=2, amr=["pwd"], now=now)
    moment = now
    while moment + sessions.idle // 2 < now + sessions.absolute:
        moment += sessions.idle // 2
        assert sessions.load(token, now=moment) is not None  # each use extends the idle timer
    assert sessions.load(token, now=now + sessions.absolute) is None


def test_a_session_a_newer_version_stored_with_a_field_unknown_here_still_loads_and_ends(
        sessions):
    """A rolling upgrade: nodes of two versions share the Store for a while."""
    token, sso = sessions.create(account_id="a1", username="alice", level=2, amr=["pwd"])
    key = f"sso:{sso.sid}"
    entry = json.loads(sessions.store.get(key))
    entry["session"]["added_in_a_later_version"] = {"x": 1}
    sessions.store.put(key, json.dumps(entry), 600)
    loaded = sessions.load(token)
    assert loaded is not None and loaded.username == "alice" and loaded.level == 2
    assert sessions.end(token=token).sid == sso.sid
    assert sessions.load(token) is None


def test_logout_ends_the_session_everywhere_and_tells_the_listeners(
    backend, client, person, login, svc, sso_token, csrf, events
):
    person("alice")
    login("alice")
    token = sso_token()
    ended = []
    svc.sessions.end_listeners.append(lambda s, context: ended.append((s.username, context)))
    answer = client.post("/logout", data={"csrf_token": csrf(client.get("/account"))})
    assert answer.status_code == 200 and "已安全退出" in answer.get_data(as_text=True)
    assert svc.sessions.load(token) is None
    assert ended == [("alice", {"initiator": "user"})]
    assert client.get_cookie(COOKIE_NAME) is None
    assert events("logout")[-1].username == "alice"
    assert client.get("/account").headers["Location"].endswith("/login")


def test_logout_without_csrf_token_keeps_the_session(client, person, login, svc, sso_token):
    person("alice")
    login("alice")
    assert client.post("/logout").status_code == 400
    assert svc.sessions.load(sso_token()) is not None


def test_revoking_a_signed_in_site_removes_it_and_tells_the_revokers(
    client, person, login, svc, sso_token, csrf
):
    person("alice")
    login("alice")
    token = sso_token()
    svc.sessions.add_participant(token, "oidc:tax", {"name": "电子税务局"})
    svc.sessions.add_participant(token, "saml:https://sp.example", {"name_id": "x"})
    revoked = []
    svc.sessions.participant_revokers.append(lambda s, key, data: revoked.append((key, data)))
    page = client.get("/account")
    assert "电子税务局" in page.get_data(as_text=True)
    client.post("/account/sites/revoke", data={"csrf_token": csrf(page), "site": "oidc:tax"})
    assert revoked == [("oidc:tax", {"name": "电子税务局"})]
    assert list(svc.sessions.load(token).participants) == ["saml:https://sp.example"]


def test_the_account_page_lists_and_ends_the_accounts_other_sessions(
    backend, app, client, person, login, svc, sso_token, csrf
):
    person("alice")
    person("bob")
    phone = app.test_client()
    login("alice", browser=phone)
    other_sid = svc.sessions.load(sso_token(phone)).sid
    bobs = app.test_client()
    login("bob", browser=bobs)
    login("alice")
    page = client.get("/account")
    assert other_sid in page.get_data(as_text=True)
    assert svc.sessions.load(sso_token(bobs)).sid not in page.get_data(as_text=True)
    # Bob's session cannot be ended from Alice's page.
    client.post("/account/sessions/end", data={
        "csrf_token": csrf(page), "sid": svc.sessions.load(sso_token(bobs)).sid})
    assert svc.sessions.load(sso_token(bobs)) is not None
    client.post("/account/sessions/end", data={"csrf_token": csrf(page), "sid": other_sid})
    assert svc.sessions.load(sso_token(phone)) is None
    assert svc.sessions.load(sso_token()) is not None


def test_the_account_page_sends_a_stranger_to_the_login_page(client):
    answer = client.get("/account")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/login")
