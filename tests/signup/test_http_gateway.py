"""The HTTP gateway sender against a real HTTP server: the JSON template filled with escaped
values, the token, the timeout and retries, and failures audited without the code."""

from __future__ import annotations

import json
import time
from dataclasses import replace

import pytest
from signup_helpers import PHONE, ask_code, flashed

from idp.notify import MessageKind, SmsMessage, SmsUnavailable
from idp.notify.http_gateway import HttpGatewaySender
from idp.settings import Settings, SettingsError

TEMPLATE = '{"mobile": "{phone}", "content": "{text}", "type": "{kind}", "sign": "一网通办"}'
TRICKY = 'a "quoted" {text} \\ and\nnew line 验证码'


def _sender(site, **options) -> HttpGatewaySender:
    values = {"timeout": 1, "retries": 1, "token": "", **options}
    return HttpGatewaySender(f"{site.url}/sms", TEMPLATE, **values)


def test_the_template_is_filled_with_json_escaped_values(http_server):
    site = http_server({"/sms": (200, '{"code": 0}')})
    _sender(site, token="gw-secret").send(SmsMessage(PHONE, MessageKind.SIGNUP_CODE, TRICKY))
    hit, = site.hits
    assert hit.method == "POST" and hit.headers["Content-Type"].startswith("application/json")
    assert hit.headers["Authorization"] == "Bearer gw-secret"
    assert json.loads(hit.body) == {"mobile": PHONE, "content": TRICKY, "type": "signup_code",
                                    "sign": "一网通办"}


def test_server_errors_are_retried_and_then_it_is_sent(http_server):
    answers = iter([(503, "busy"), (200, "ok")])
    site = http_server(lambda hit: next(answers))
    _sender(site, retries=1).send(SmsMessage(PHONE, MessageKind.SIGNUP_CODE, "x"))
    assert len(site.hits) == 2


def test_a_refusal_by_the_gateway_is_not_retried(http_server):
    site = http_server({"/sms": (400, "bad request")})
    with pytest.raises(SmsUnavailable) as failed:
        _sender(site, retries=3).send(SmsMessage(PHONE, MessageKind.SIGNUP_CODE, "x"))
    assert failed.value.reason == "http_400" and len(site.hits) == 1


def test_a_silent_gateway_times_out_on_each_try(http_server):
    def hang(hit):
        time.sleep(1.6)
        return 200, "late"

    site = http_server(hang)
    started = time.monotonic()
    with pytest.raises(SmsUnavailable) as failed:
        _sender(site, timeout=1, retries=1).send(SmsMessage(PHONE, MessageKind.SIGNUP_CODE, "x"))
    assert failed.value.reason == "timeout" and failed.value.attempts == 2
    assert len(site.hits) == 2 and time.monotonic() - started < 4


def test_through_the_pages_a_failing_gateway_is_said_and_audited_without_secrets(
    http_server, app, svc, client, events
):
    site = http_server({"/sms": (502, "down")})
    svc.settings = replace(svc.settings, sms_sender="http", sms_gateway_url=f"{site.url}/sms",
                           sms_gateway_template=TEMPLATE, sms_gateway_retries=2)
    assert ask_code(client).headers["Location"] == "/register?door=person"
    assert "短信服务暂时不可用" in flashed(client, "/register")
    assert len(site.hits) == 3
    sent_code = json.loads(site.hits[0].body)["content"]
    failed, = events("sms.send")
    assert failed.outcome == "failure"
    assert failed.detail == {"kind": "signup_code", "phone": "138****5678", "sender": "http",
                             "reason": "http_502", "attempts": 3}
    assert PHONE not in json.dumps(failed.detail) and sent_code not in json.dumps(failed.detail)


def test_through_the_pages_a_working_gateway_carries_the_code(http_server, svc, client, events):
    site = http_server({"/sms": (200, "ok")})
    svc.settings = replace(svc.settings, sms_sender="http", sms_gateway_url=f"{site.url}/sms",
                           sms_gateway_template=TEMPLATE)
    assert ask_code(client).headers["Location"] == "/register/code"
    body = json.loads(site.hits[0].body)
    assert body["mobile"] == PHONE and "验证码" in body["content"]
    assert events("sms.send")[0].detail["sender"] == "http"


@pytest.mark.parametrize(("env", "says"), [
    ({"IDP_SMS_SENDER": "carrier-pigeon"}, "IDP_SMS_SENDER"),
    ({"IDP_SMS_SENDER": "http"}, "IDP_SMS_GATEWAY_URL"),
    ({"IDP_SMS_SENDER": "http", "IDP_SMS_GATEWAY_URL": "ftp://gw"}, "IDP_SMS_GATEWAY_URL"),
    ({"IDP_SMS_SENDER": "http", "IDP_SMS_GATEWAY_URL": "https://gw",
      "IDP_SMS_GATEWAY_TEMPLATE": '{"to": {phone}, "text": "{text}"}'}, "TEMPLATE"),
    ({"IDP_SMS_SENDER": "http", "IDP_SMS_GATEWAY_URL": "https://gw",
      "IDP_SMS_GATEWAY_TEMPLATE": '{"text": "{text}"}'}, "TEMPLATE"),
    ({"IDP_SMS_SENDER": "http", "IDP_SMS_GATEWAY_URL": "https://gw",
      "IDP_SMS_GATEWAY_TIMEOUT_SECONDS": "0"}, "TIMEOUT"),
])
def test_bad_gateway_settings_stop_the_start(env, says):
    with pytest.raises(SettingsError, match=says):
        Settings.from_env(env)


def test_the_gateway_token_may_come_from_a_file(tmp_path):
    (tmp_path / "token").write_text("from-a-file\n")
    settings = Settings.from_env({"IDP_SMS_SENDER": "http", "IDP_SMS_GATEWAY_URL": "https://gw",
                                  "IDP_SMS_GATEWAY_TOKEN_FILE": str(tmp_path / "token"),
                                  "IDP_SMS_GATEWAY_RETRIES": "0"})
    assert settings.sms_gateway_token == "from-a-file" and settings.sms_gateway_retries == 0
