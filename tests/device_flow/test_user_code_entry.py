"""Typing user codes at /device: wrong ones are limited per browser and per address (RFC 8628
§5.1), and a locked browser is refused even the right code until the window ends."""

from __future__ import annotations

from device_helpers import enter, text

from idp.oidc.device import entry_limits


def test_five_wrong_codes_lock_the_browser_even_for_the_right_code(
        app, client, terminal, events):
    started = terminal.start(client).get_json()
    for _ in range(entry_limits.BROWSER_LIMIT):
        wrong = enter(client, "BCDF-GHJK")
        assert wrong.status_code == 400 and "代码不正确或已过期" in text(wrong)
    locked = enter(client, started["user_code"])
    assert locked.status_code == 429 and "错误次数过多" in text(locked)
    assert [e.detail["action"] for e in events("oauth.device")] == ["start", "locked"]
    # Another browser (no device cookie) from the same address still may: the address's
    # limit is higher, for a hall of terminals behind one address.
    other = app.test_client()
    assert enter(other, started["user_code"]).status_code == 303


def test_a_browser_that_drops_its_cookie_is_still_stopped_by_the_address_limit(
        app, client, terminal):
    started = terminal.start(client).get_json()
    for _ in range(entry_limits.ADDRESS_LIMIT):
        enter(app.test_client(), "BCDF-GHJK")  # a fresh browser, so a fresh cookie, each time
    assert enter(app.test_client(), started["user_code"]).status_code == 429


def test_a_malformed_code_counts_as_wrong_and_is_never_looked_up(client):
    for bad in ("", "1234-5678", "AEIO-UAEI", "BCDF-GHJK-LMNP", "<script>"):
        page = enter(client, bad)
        assert page.status_code == 400
        assert "<script>" not in page.get_data(as_text=True).split("<main")[1].split(
            'name="user_code"')[0]
