"""Whatever a browser posts as a passkey assertion, the login answers with its page (303 back
to /login, no session) and audits the refusal: never a 500."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from idp.audit import AuditEvent
from idp.sso.login_request import LoginRequest, save_login_request
from idp.sso.session import COOKIE_NAME

ANSWERS = ["", "not json", "[]", "null", '{"id": 5}', '{"id": "AAAA"}',
           '{"id": "AAAA", "response": "x"}', json.dumps({"id": "é" * 5000}),
           '{"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {}}']


@pytest.mark.parametrize("answer", ANSWERS)
def test_a_malformed_assertion_is_refused_with_the_login_page(app, client, answer):
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'id="passkey-login".*?name="csrf_token" value="([^"]+)"', page, re.S)[1]
    options = client.post("/login/passkey/options", data={"csrf_token": csrf})
    assert options.status_code == 200 and options.json["userVerification"] == "required"
    refused = client.post("/login/passkey", data={"csrf_token": csrf, "credential": answer})
    assert refused.status_code == 303 and refused.headers["Location"].startswith("/login")
    assert client.get_cookie(COOKIE_NAME) is None
    with app.extensions["yiwang"].db.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.type == "login")).one()
    assert event.outcome == "failure" and event.detail["methods"] == ["passkey"]
    assert event.detail["reason"] == "unknown_credential"


def test_an_assertion_without_options_first_is_refused(client):
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    answer = client.post("/login/passkey", data={"csrf_token": csrf, "credential": "{}"})
    assert answer.status_code == 303 and client.get_cookie(COOKIE_NAME) is None


def test_a_relying_party_that_accepts_no_passkey_gets_no_passkey_login(app, client):
    store = app.extensions["yiwang"].store
    request = LoginRequest(return_to="/resume", protocol="oidc", client_name="公积金",
                           first_factors=["password"])
    save_login_request(store, request)
    page = client.get("/login", query_string={"login": request.id}).get_data(as_text=True)
    assert "刷脸/指纹登录" not in page and "仅接受以下登录方式：密码" in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    options = client.post("/login/passkey/options", data={"csrf_token": csrf,
                                                          "login": request.id})
    assert options.status_code == 403
    answer = client.post("/login/passkey", data={"csrf_token": csrf, "login": request.id,
                                                 "credential": "{}"})
    assert answer.status_code == 303 and client.get_cookie(COOKIE_NAME) is None
    assert "不接受" in client.get(answer.headers["Location"]).get_data(as_text=True)
