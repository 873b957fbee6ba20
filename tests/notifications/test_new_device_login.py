"""A login from a browser not seen in 90 days sends the person's phone one SMS (issue 12); the
same browser again sends none; the SMS never decides the login. On the SQL and Redis Store."""

from __future__ import annotations

import re
import socket
import time
from dataclasses import replace

import pyotp
import pytest

from idp.authn.known_devices import KNOWN_FOR, new_device_id
from idp.authn.new_device_login import known_devices, mask_ip, note_login_device
from idp.authn.totp import begin_enrolment, confirm_enrolment
from idp.sso.session import COOKIE_NAME
from idp.web.device_cookie import DEVICE_COOKIE
from tests.login.login_helpers import PASSWORD, csrf_of
from tests.signup.signup_helpers import ask_code, choose_account, enter_code, last_code

BOTH_STORES = pytest.mark.parametrize("store_backend", ["sql", "redis"])
DAY = 24 * 3600
ALICE_PHONE = "13800001111"  # conftest's alice


def device_of(browser) -> str:
    return browser.get_cookie(DEVICE_COOKIE).value


@BOTH_STORES
def test_the_first_login_from_a_browser_sends_one_sms_with_the_time_and_the_masked_ip(
    client, alice, login, notices, events
):
    answer = login("alice", REMOTE_ADDR="203.0.113.45")
    assert answer.status_code == 303 and answer.headers["Location"] == "/account"
    message, = notices()
    assert message["phone"] == ALICE_PHONE
    assert re.search(r"于\d{4}-\d{2}-\d{2} \d{2}:\d{2}在新的浏览器或设备上登录"
                     r"（IP 203\.0\.113\.\*）", message["text"])
    for secret in ("203.0.113.45", "alice", PASSWORD, device_of(client)):
        assert secret not in message["text"]
    sent, = events("sms.send")
    assert sent.detail == {"kind": "new_device_login", "phone": "138****1111",
                           "sender": "outbox"}


@BOTH_STORES
def test_logging_in_again_from_the_same_browser_sends_nothing(
    client, alice, login, log_out, notices
):
    login("alice")
    log_out(client)
    assert client.get_cookie(COOKIE_NAME) is None and client.get_cookie(DEVICE_COOKIE)
    assert login("alice").status_code == 303
    assert login("alice").status_code == 303  # a re-authentication is a login too
    assert len(notices()) == 1


@BOTH_STORES
def test_another_browser_sends_again_and_a_browser_known_for_one_account_is_new_for_another(
    client, alice, person, browser, login, log_out, notices
):
    login("alice")
    login("alice", browser=browser())
    person("bob", phone="13900002222")
    log_out(client)
    login("bob")  # alice's browser, bob's first login in it
    assert [m["phone"] for m in notices()] == [ALICE_PHONE, ALICE_PHONE, "13900002222"]


@BOTH_STORES
def test_a_browser_last_seen_more_than_90_days_ago_is_new_again(
    svc, browser, alice, login, notices
):
    now = int(time.time())
    old, recent = browser(), browser()
    for page, seen in ((old, now - KNOWN_FOR - 60), (recent, now - KNOWN_FOR + DAY)):
        page.set_cookie(DEVICE_COOKIE, new_device_id())
        known_devices(svc).check_in(alice.id, device_of(page), seen)
    ids = device_of(old), device_of(recent)
    login("alice", browser=old)
    assert len(notices()) == 1
    login("alice", browser=recent)  # seen 89 days ago: still known
    assert len(notices()) == 1
    assert (device_of(old), device_of(recent)) == ids  # the cookies are kept, not replaced


@BOTH_STORES
def test_each_login_keeps_the_browser_known_for_90_more_days(svc, alice, notices):
    from idp.audit import Actor

    device, actor, now = new_device_id(), Actor("198.51.100.7", "pytest"), int(time.time())
    told = [note_login_device(svc, actor, account_id=alice.id, device_id=device, now=at)
            for at in (now, now + 89 * DAY, now + 178 * DAY, now + 269 * DAY)]
    assert told == [True, False, False, True]  # 89, 89, then 91 days after the last login
    assert len(notices()) == 2 and "198.51.100.*" in notices()[0]["text"]


def test_a_person_without_a_phone_gets_nothing_and_logs_in(client, person, login, notices,
                                                           events):
    person("carol", phone=None)
    assert login("carol").headers["Location"] == "/account"
    assert client.get("/account").status_code == 200
    assert notices() == [] and events("sms.send") == []


@BOTH_STORES
@pytest.mark.parametrize("gateway", ["answers_503", "refuses_connections"])
def test_an_sms_gateway_outage_does_not_stop_the_login_and_is_audited(
    http_server, svc, client, alice, login, events, gateway
):
    if gateway == "answers_503":
        url = f"{http_server({'/sms': (503, 'down')}).url}/sms"
    else:
        with socket.socket() as probe:  # a port nobody listens on
            probe.bind(("127.0.0.1", 0))
            url = f"http://127.0.0.1:{probe.getsockname()[1]}/sms"
    svc.settings = replace(svc.settings, sms_sender="http", sms_gateway_url=url,
                           sms_gateway_retries=0)
    answer = login("alice")
    assert answer.status_code == 303 and answer.headers["Location"] == "/account"
    assert client.get_cookie(COOKIE_NAME) is not None
    assert "alice" in client.get("/account").get_data(as_text=True)
    failed, = events("sms.send")
    assert failed.outcome == "failure"
    assert failed.detail["kind"] == "new_device_login" and failed.detail["phone"] == "138****1111"
    assert failed.detail["reason"] == ("http_503" if gateway == "answers_503" else "connection")


@BOTH_STORES
def test_with_a_second_factor_the_sms_comes_after_the_code_not_after_the_password(
    svc, client, alice, login, notices
):
    from idp.audit import SYSTEM_ACTOR

    secret = begin_enrolment(svc, alice.id, "alice").secret
    assert confirm_enrolment(svc, alice.id, pyotp.TOTP(secret).now(), SYSTEM_ACTOR)
    assert login("alice").headers["Location"] == "/login/otp"
    assert notices() == []
    page = client.get("/login/otp")
    next_code = pyotp.TOTP(secret).at(time.time() + 30)  # the enrolment's code is spent
    done = client.post("/login/otp", data={"csrf_token": csrf_of(page), "code": next_code})
    assert done.headers["Location"] == "/account"
    assert len(notices()) == 1


@BOTH_STORES
def test_signing_up_sends_no_notice_but_remembers_the_browser(
    client, settings, browser, login, log_out, notices
):
    phone = "13812345678"
    assert ask_code(client, phone).status_code == 303
    assert enter_code(client, last_code(settings, phone)).status_code == 303
    assert choose_account(client, "lihua", PASSWORD).headers["Location"] == "/account"
    assert notices() == []
    log_out(client)
    login("lihua")
    assert notices() == []
    login("lihua", browser=browser())
    assert [m["phone"] for m in notices()] == [phone]


def test_the_device_cookie_is_long_lived_httponly_and_lax_and_a_forged_one_is_replaced(
    client, alice, login
):
    client.set_cookie(DEVICE_COOKIE, "../not-an-id")
    header, = [h for h in login("alice").headers.getlist("Set-Cookie")
               if h.startswith(f"{DEVICE_COOKIE}=")]
    assert re.fullmatch(rf"{DEVICE_COOKIE}=[A-Za-z0-9_-]{{32}}; Expires=[^;]+; "
                        r"Max-Age=34560000; HttpOnly; Path=/; SameSite=Lax", header)


def test_on_an_https_issuer_the_device_cookie_is_secure(svc, client, alice, login):
    svc.settings = replace(svc.settings, issuer="https://idp.example.gov.cn")
    header, = [h for h in login("alice").headers.getlist("Set-Cookie")
               if h.startswith(f"{DEVICE_COOKIE}=")]
    assert "; Secure" in header


@pytest.mark.parametrize(("ip", "shown"), [
    ("203.0.113.45", "203.0.113.*"),
    ("2001:db8:1:2:3:4:5:6", "2001:db8:1::*"),
    ("::1", "::*"),
    (None, "未知"),
    ("not an address", "未知"),
])
def test_the_sms_shows_the_network_not_the_address(ip, shown):
    assert mask_ip(ip) == shown
