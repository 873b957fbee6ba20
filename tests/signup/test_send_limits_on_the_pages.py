"""What the pages say when the send limits refuse: one SMS a minute per phone (also when asked
again from the code page), a cap per IP, and the gateway being down."""

from __future__ import annotations

import re
from dataclasses import replace

from signup_helpers import BOTH_STORES, PHONE, ask_code, enter_code, flashed, outbox, resend


@BOTH_STORES
def test_a_second_sms_within_the_minute_is_refused(app, client, settings, store_backend):
    ask_code(client)
    other = app.test_client()
    assert ask_code(other, PHONE, ip="10.2.2.2").headers["Location"] == "/register?door=person"
    assert "请1分钟后再试" in flashed(other, "/register")
    resend(client)
    assert "请1分钟后再试" in flashed(client, "/register/code")
    assert len(outbox(settings)) == 1


@BOTH_STORES
def test_an_ip_asking_for_many_phones_is_refused(app, svc, settings, store_backend):
    svc.settings = replace(settings, sms_ip_hourly=2)
    for n in range(2):
        assert ask_code(app.test_client(), f"1370000000{n}").headers["Location"] \
            == "/register/code"
    browser = app.test_client()
    ask_code(browser, "13700000009")
    assert "当前网络获取验证码过于频繁" in flashed(browser, "/register")
    assert ask_code(app.test_client(), "13700000009", ip="10.3.3.3").headers["Location"] \
        == "/register/code"


def test_resending_after_the_interval_sends_a_new_code(client, svc, settings):
    import time

    svc.settings = replace(settings, sms_phone_interval_seconds=1)
    ask_code(client)
    time.sleep(1.1)
    resend(client)
    assert "验证码已重新发送" in flashed(client, "/register/code")
    first, second = (re.search(r"验证码 (\d{6})", m["text"])[1] for m in outbox(settings))
    if first != second:  # the new code replaced the old one
        assert enter_code(client, first).headers["Location"] == "/register/code"
    assert enter_code(client, second).headers["Location"] == "/register/account"
