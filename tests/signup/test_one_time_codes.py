"""One-time codes and send limits on the real Store, SQL and Redis: bound to a purpose and a
phone, used once, void after five tries; one SMS a minute and ten a day per phone, a cap per
IP."""

from __future__ import annotations

import pytest
from signup_helpers import BOTH_STORES, PHONE

from idp.authn.one_time_codes import MAX_TRIES, CodeCheck, CodePurpose
from idp.authn.phone_codes import codes
from idp.authn.send_limits import BEIJING_OFFSET, DAY, SendLimits, SendRefusal

pytestmark = BOTH_STORES
OTHER = "13987654321"


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_code_is_six_digits_and_checks_once(svc, store_backend):
    code = codes(svc).issue(CodePurpose.SIGNUP, PHONE)
    assert len(code) == 6 and code.isascii() and code.isdigit()
    assert codes(svc).verify(CodePurpose.SIGNUP, PHONE, code) is CodeCheck.OK
    assert codes(svc).verify(CodePurpose.SIGNUP, PHONE, code) is CodeCheck.VOID


def test_a_sign_up_code_does_not_recover_an_account_nor_serve_another_phone(svc, store_backend):
    code = codes(svc).issue(CodePurpose.SIGNUP, PHONE)
    assert codes(svc).verify(CodePurpose.RECOVERY, PHONE, code) is CodeCheck.VOID
    assert codes(svc).verify(CodePurpose.SIGNUP, OTHER, code) is CodeCheck.VOID
    assert codes(svc).verify(CodePurpose.SIGNUP, PHONE, code) is CodeCheck.OK


def test_the_store_holds_neither_the_code_nor_the_phone(svc, store_backend):
    code = codes(svc).issue(CodePurpose.SIGNUP, PHONE)
    key = f"otc:signup:{codes(svc).phone_tag(PHONE)}"
    stored = svc.store.get(key)
    assert stored and code not in stored and PHONE not in key and len(stored) == 64


def test_five_tries_then_the_code_is_void(svc, store_backend):
    code = codes(svc).issue(CodePurpose.SIGNUP, PHONE)
    answers = [codes(svc).verify(CodePurpose.SIGNUP, PHONE, _wrong(code))
               for _ in range(MAX_TRIES)]
    assert answers == [CodeCheck.WRONG] * (MAX_TRIES - 1) + [CodeCheck.VOID]
    assert codes(svc).verify(CodePurpose.SIGNUP, PHONE, code) is CodeCheck.VOID


def test_a_new_code_replaces_the_last_and_gets_its_own_tries(svc, store_backend):
    first = codes(svc).issue(CodePurpose.SIGNUP, PHONE)
    for _ in range(MAX_TRIES - 1):
        codes(svc).verify(CodePurpose.SIGNUP, PHONE, _wrong(first))
    second = codes(svc).issue(CodePurpose.SIGNUP, PHONE)
    if second != first:
        assert codes(svc).verify(CodePurpose.SIGNUP, PHONE, first) is CodeCheck.WRONG
    assert codes(svc).verify(CodePurpose.SIGNUP, PHONE, second) is CodeCheck.OK


def test_one_sms_a_minute_per_phone(svc, store_backend):
    limits, tag, now = SendLimits(svc.store, svc.settings), codes(svc).phone_tag(PHONE), 10**9
    assert limits.take_send(tag, "10.0.0.1", now) is None
    assert limits.take_send(tag, "10.0.0.2", now + 59) is SendRefusal.TOO_SOON
    assert limits.take_send(tag, "10.0.0.2", now + 60) is None


def test_ten_sms_a_beijing_day_per_phone(svc, store_backend):
    limits, tag = SendLimits(svc.store, svc.settings), codes(svc).phone_tag(PHONE)
    midnight = (10**9 // DAY + 1) * DAY - BEIJING_OFFSET  # 00:00 in Beijing
    sent = [limits.take_send(tag, f"10.0.0.{i}", midnight + 61 * i) for i in range(11)]
    assert sent == [None] * 10 + [SendRefusal.DAILY_LIMIT]
    assert limits.take_send(tag, "10.0.1.1", midnight + DAY) is None  # the next day


@pytest.mark.parametrize("settings_change", [{"sms_ip_hourly": 3}])
def test_an_ip_may_ask_only_so_many_an_hour_whatever_the_phone(svc, store_backend,
                                                               settings_change):
    from dataclasses import replace

    limits = SendLimits(svc.store, replace(svc.settings, **settings_change))
    hour = 10**9 // 3600 * 3600
    phones = [f"1390000000{i}" for i in range(5)]
    sent = [limits.take_send(codes(svc).phone_tag(p), "10.9.9.9", hour + i)
            for i, p in enumerate(phones[:4])]
    assert sent == [None, None, None, SendRefusal.IP_LIMIT]
    assert limits.take_send(codes(svc).phone_tag(phones[4]), "10.9.9.8", hour + 5) is None
    assert limits.take_send(codes(svc).phone_tag(phones[4]), "10.9.9.9", hour + 3600) is None


def test_of_concurrent_checks_of_the_right_code_exactly_one_succeeds(svc, store_backend):
    from concurrent.futures import ThreadPoolExecutor

    code = codes(svc).issue(CodePurpose.SIGNUP, PHONE)
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: codes(svc).verify(CodePurpose.SIGNUP, PHONE, code),
                                range(4)))
    assert answers.count(CodeCheck.OK) == 1


def test_of_concurrent_sends_to_one_phone_only_one_passes_the_minute(svc, store_backend):
    from concurrent.futures import ThreadPoolExecutor

    limits, tag = SendLimits(svc.store, svc.settings), codes(svc).phone_tag(PHONE)
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda i: limits.take_send(tag, f"10.4.0.{i}", 10**9), range(4)))
    assert answers.count(None) == 1 and answers.count(SendRefusal.TOO_SOON) == 3
