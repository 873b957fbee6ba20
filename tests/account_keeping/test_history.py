"""/account/history: the person's own events, newest first, in words, with sites and IPs."""

from __future__ import annotations

from idp.audit import Actor, EventType, Outcome, record
from idp.privacy.history import history
from tests.login.login_helpers import PASSWORD


def test_history_shows_the_persons_own_events_newest_first_in_chinese_with_site_and_ip(
    client, other_browser, svc, alice, bob, login, site
):
    login("alice", "wrong password", REMOTE_ADDR="10.0.0.1")
    login("bob", browser=other_browser, REMOTE_ADDR="10.9.9.9")
    login("alice", REMOTE_ADDR="10.0.0.2")
    with svc.db.begin() as session:  # what the token endpoint writes when a site gets tokens
        record(session, EventType.TOKEN_ISSUE, actor=Actor("10.0.0.3"), account_id=alice.id,
               username="alice", client_id=site[0], grant_type="authorization_code")
        record(session, EventType.TOKEN_ISSUE, actor=Actor("10.9.9.8"), account_id=bob.id,
               username="bob", client_id=site[0], grant_type="authorization_code")
    page = client.get("/account/history")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    got = html.index("网站获得登录凭证"), html.index("10.0.0.2"), html.index("登录失败")
    assert list(got) == sorted(got)  # newest first: the token, the login, the failure
    assert "社保查询" in html and "10.0.0.1" in html and "10.0.0.3" in html
    assert "10.9.9.9" not in html and "10.9.9.8" not in html and "bob" not in html
    assert "token.issue" not in html and ">login<" not in html  # words, not event codes
    entries = history(svc, alice.id).entries
    assert [e.words[0] for e in entries] == ["网站获得登录凭证", "登录", "登录失败", "开通账号"]
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    assert entries[0].site == "社保查询" and not entries[2].success


def test_history_speaks_english_when_the_browser_asks(client, alice, login):
    login("alice")
    html = client.get("/account/history", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert "Account history" in html and "Logged in" in html


def test_history_pages_from_the_newest_to_the_oldest(client, svc, alice, login):
    with svc.db.begin() as session:
        for n in range(25):
            record(session, EventType.LOGIN, Outcome.FAILURE, actor=Actor(f"10.1.0.{n}"),
                   account_id=alice.id, username="alice", reason="bad_credentials")
    login("alice", PASSWORD)
    first = client.get("/account/history").get_data(as_text=True)
    assert first.count("<li class=") == 20 and "10.1.0.24<" in first and "10.1.0.5<" not in first
    older = first.split('href="/account/history?after=')[1].split('"')[0]
    second = client.get(f"/account/history?after={older}").get_data(as_text=True)
    assert second.count("<li class=") == 7  # 27 events: the account, 25 failures, the login
    assert "10.1.0.0<" in second and "更早的记录" not in second and "回到最新" in second
    assert client.get("/account/history?after=not-a-cursor").status_code == 200


def test_history_needs_a_session(client):
    assert client.get("/account/history").status_code == 302
