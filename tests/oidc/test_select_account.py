"""prompt=select_account (OIDC Core §3.1.2.1): an account chooser when a session exists."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

from oidc_helpers import authorize_params, query, redeem

from idp.accounts.service import create_person
from idp.audit import SYSTEM_ACTOR
from idp.sso.login_request import load_login_request


def _chooser(client, rp, pkce):
    response = client.get("/authorize", query_string=authorize_params(
        rp, pkce, prompt="select_account"))
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/authorize/select-account"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return html, dict(re.findall(r'name="(\w+)" value="([^"]*)"', html))


def test_with_a_session_select_account_shows_a_chooser_and_continue_issues_the_code(
    client, svc, rp, pkce, person, login
):
    login(person)
    html, fields = _chooser(client, rp, pkce)
    assert "以 张三 身份继续" in html and "使用其他账号" in html
    assert "<script" not in html and fields["csrf_token"]
    answer = client.post("/authorize/select-account", data={**fields, "choice": "continue"})
    assert answer.status_code == 303
    params = query(answer)
    assert params["state"] == "s-1" and params["iss"] == svc.settings.issuer
    claims = svc.signing_keys.verify_jwt(
        redeem(client, rp, params["code"], pkce).json["id_token"], ["RS256"])
    assert claims["sub"] == person.id


def test_use_another_account_forces_a_new_login_and_issues_the_code_for_that_person(
    client, svc, rp, pkce, person, login
):
    login(person, now=int(time.time()) - 60)
    _, fields = _chooser(client, rp, pkce)
    answer = client.post("/authorize/select-account", data={**fields, "choice": "other"})
    assert answer.status_code == 303
    location = urlsplit(answer.headers["Location"])
    assert location.path == "/login"
    login_request = load_login_request(svc.store, parse_qs(location.query)["login"][0])
    assert login_request.force_login and login_request.client_id == rp.client_id
    other = _other_person(svc)
    login(other)  # what the login page does once 李四 has logged in
    resumed = client.get(login_request.return_to)
    params = query(resumed)  # straight to the code: the login was the choice
    claims = svc.signing_keys.verify_jwt(
        redeem(client, rp, params["code"], pkce).json["id_token"], ["RS256"])
    assert claims["sub"] == other.id


def _other_person(svc):
    return create_person(svc, SYSTEM_ACTOR, username="lisi", password="Correct-horse-9",
                         name="李四", id_number="110105198001010016", phone="13900139000",
                         assurance_level=2)


def test_prompt_none_with_select_account_answers_account_selection_required(
    client, rp, pkce, person, login
):
    login(person)
    response = client.get("/authorize", query_string=authorize_params(
        rp, pkce, prompt="none select_account"))
    answer = query(response)
    assert answer["error"] == "account_selection_required" and answer["state"] == "s-1"


def test_without_a_session_select_account_goes_to_login_and_then_straight_to_the_code(
    client, svc, rp, pkce, person, login
):
    response = client.get("/authorize", query_string=authorize_params(
        rp, pkce, prompt="select_account"))
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    login_request = load_login_request(svc.store, parse_qs(location.query)["login"][0])
    login(person)
    assert "code" in query(client.get(login_request.return_to))


def test_the_chooser_needs_its_csrf_token(client, rp, pkce, person, login):
    login(person)
    _, fields = _chooser(client, rp, pkce)
    fields.pop("csrf_token")
    refused = client.post("/authorize/select-account", data={**fields, "choice": "continue"})
    assert refused.status_code in (400, 403) and "Location" not in refused.headers

