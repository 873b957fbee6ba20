"""A person signs up through the pages: phone, code from the SMS, username and password, the
privacy notice; then is logged in at level 1 with a proved phone."""

from __future__ import annotations

import stat
from pathlib import Path

from signup_helpers import (
    NOTICE_VERSION,
    PASSWORD,
    PHONE,
    ask_code,
    choose_account,
    enter_code,
    flashed,
    last_code,
    outbox,
)

from idp.accounts.service import find_person_by_username, person_claims
from idp.sso.session import COOKIE_NAME


def test_a_person_signs_up_and_is_logged_in_at_level_one_with_a_proved_phone(
    client, svc, settings, events, backend
):
    asked = ask_code(client)
    assert asked.status_code == 303 and asked.headers["Location"] == "/register/code"
    page = flashed(client, "/register/code")
    assert "验证码已发送" in page and "138****5678" in page and PHONE not in page
    assert enter_code(client, last_code(settings)).headers["Location"] == "/register/account"
    done = choose_account(client, "lihua", PASSWORD)
    assert done.status_code == 303 and done.headers["Location"] == "/account"

    person = find_person_by_username(svc, "lihua")
    assert person.assurance_level == 1 and person.phone_verified_at is not None
    assert person.privacy_notice_version == NOTICE_VERSION
    assert person.privacy_notice_accepted_at is not None
    claims = person_claims(svc, person)
    assert claims["phone"] == PHONE and claims["name"] is None and claims["id_number"] is None
    sso = svc.sessions.load(client.get_cookie(COOKIE_NAME).value)
    assert sso.account_id == person.id and sso.level == 1 and sorted(sso.amr) == ["pwd", "sms"]
    assert "lihua" in client.get("/account").get_data(as_text=True)

    created, = events("account.create")
    assert created.detail["via"] == "self_signup"
    assert created.detail["privacy_notice"] == NOTICE_VERSION
    login, = events("login")
    assert login.account_id == person.id and login.detail["methods"] == ["sms", "pwd"]


def test_the_outbox_is_one_json_line_per_sms_readable_by_its_owner_only(client, settings):
    ask_code(client)
    message, = outbox(settings)
    assert message["phone"] == PHONE and message["kind"] == "signup_code"
    assert "5分钟内有效" in message["text"]
    mode = stat.S_IMODE((Path(settings.data_dir) / "outbox.jsonl").stat().st_mode)
    assert mode == 0o600


def test_audit_events_name_the_phone_masked_and_never_the_code(client, settings, events):
    ask_code(client)
    enter_code(client, "000000" if last_code(settings) != "000000" else "111111")
    code = last_code(settings)
    enter_code(client, code)
    sent, = events("sms.send")
    assert sent.detail == {"kind": "signup_code", "phone": "138****5678", "sender": "outbox"}
    wrong, right = events("code.verify")
    assert wrong.outcome == "failure" and wrong.detail["reason"] == "wrong"
    assert right.outcome == "success"
    for event in (sent, wrong, right):
        assert PHONE not in str(event.detail) and code not in str(event.detail)


def test_a_wrong_code_is_refused_and_the_right_one_then_works(client, settings):
    ask_code(client)
    code = last_code(settings)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert enter_code(client, wrong).headers["Location"] == "/register/code"
    assert "验证码不正确" in flashed(client, "/register/code")
    assert client.get("/register/account").headers["Location"] == "/register"
    assert enter_code(client, code).headers["Location"] == "/register/account"


def test_after_five_wrong_tries_the_code_is_void_even_the_right_one(client, settings):
    ask_code(client)
    code = last_code(settings)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(4):
        enter_code(client, wrong)
        assert "验证码不正确" in flashed(client, "/register/code")
    enter_code(client, wrong)
    assert "验证码已失效" in flashed(client, "/register/code")
    assert enter_code(client, code).headers["Location"] == "/register/code"
    assert "验证码已失效" in flashed(client, "/register/code")


def test_a_code_is_used_once(client, settings):
    ask_code(client)
    code = last_code(settings)
    assert enter_code(client, code).headers["Location"] == "/register/account"
    assert enter_code(client, code).headers["Location"] == "/register/code"
    assert "验证码已失效" in flashed(client, "/register/code")


def test_an_expired_code_is_void(client, settings, monkeypatch):
    import time

    from idp.authn import one_time_codes

    monkeypatch.setattr(one_time_codes, "CODE_TTL", 1)
    ask_code(client)
    code = last_code(settings)
    time.sleep(2.1)
    enter_code(client, code)
    assert "验证码已失效" in flashed(client, "/register/code")


def test_sign_up_from_the_legal_door_keeps_the_door_and_mentions_personal_accounts(client):
    page = client.get("/register", query_string={"door": "legal"}).get_data(as_text=True)
    assert "个人账号" in page and 'name="door" value="legal"' in page


def test_both_doors_of_the_login_page_link_to_sign_up(client):
    for door in ("person", "legal"):
        page = client.get("/login", query_string={"door": door}).get_data(as_text=True)
        assert f'href="/register?door={door}"' in page and "注册" in page


def test_every_sign_up_form_needs_its_csrf_token(client, settings):
    assert client.post("/register", data={"phone": PHONE}).status_code == 400
    ask_code(client)
    assert client.post("/register/code", data={"code": last_code(settings)}).status_code == 400


def test_the_steps_after_the_first_need_a_live_flow(client):
    for path in ("/register/code", "/register/account"):
        assert client.get(path).headers["Location"] == "/register"


def test_a_malformed_phone_is_refused_and_nothing_is_sent(client, settings):
    for phone in ("12345678901", "1381234567", "138123456789", "１３８１２３４５６７８"):
        assert ask_code(client, phone).headers["Location"] == "/register?door=person"
        assert "11位中国大陆手机号" in flashed(client, "/register")
    assert outbox(settings) == []
