"""Single sign-on and the hand-off to the login page: prompt, max_age, id_token_hint, acr."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

from oidc_helpers import authorize_params, get_code, query, redeem

from idp.sso.login_request import load_login_request


def _login_request(svc, response):
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    return load_login_request(svc.store, parse_qs(location.query)["login"][0])


def test_without_a_session_the_browser_is_sent_to_the_login_page(client, svc, rp, pkce):
    response = client.get("/authorize", query_string=authorize_params(rp, pkce,
                                                                       login_hint="zhangsan"))
    login_request = _login_request(svc, response)
    assert login_request.protocol == "oidc" and login_request.client_id == rp.client_id
    assert login_request.login_hint == "zhangsan"
    assert login_request.return_to.startswith("/authorize/resume?pending=")


def test_after_login_the_resumed_request_issues_the_code(client, svc, rp, pkce, person, login):
    login_request = _login_request(
        svc, client.get("/authorize", query_string=authorize_params(rp, pkce)))
    login(person)
    response = client.get(login_request.return_to)
    assert query(response)["state"] == "s-1" and "code" in query(response)


def test_prompt_none_without_a_session_answers_login_required(client, rp, pkce):
    answer = query(client.get("/authorize", query_string=authorize_params(rp, pkce,
                                                                          prompt="none")))
    assert answer["error"] == "login_required" and answer["state"] == "s-1"


def test_prompt_none_with_a_session_succeeds_with_the_same_sub(
    client, svc, rp, pkce, person, login
):
    login(person)
    code = get_code(client, rp, pkce, prompt="none")
    claims = svc.signing_keys.verify_jwt(redeem(client, rp, code, pkce).json["id_token"],
                                         ["RS256"])
    assert claims["sub"] == person.id


def test_prompt_login_forces_a_new_login_and_a_later_auth_time(
    client, svc, rp, pkce, person, login
):
    login(person, now=int(time.time()) - 100)
    login_request = _login_request(
        svc, client.get("/authorize", query_string=authorize_params(rp, pkce, prompt="login")))
    assert login_request.force_login
    # The same old session coming back does not satisfy prompt=login ...
    assert urlsplit(client.get(login_request.return_to).headers["Location"]).path == "/login"
    # ... a fresh login does.
    login(person)
    code = query(client.get(login_request.return_to))["code"]
    claims = svc.signing_keys.verify_jwt(redeem(client, rp, code, pkce).json["id_token"],
                                         ["RS256"])
    assert claims["auth_time"] >= login_request.created_at


def test_max_age_forces_a_login_when_the_session_is_older(client, svc, rp, pkce, person, login):
    login(person, now=int(time.time()) - 30)
    response = client.get("/authorize", query_string=authorize_params(rp, pkce, max_age="1"))
    assert _login_request(svc, response).force_login


def test_a_generous_max_age_does_not_force_a_login(client, rp, pkce, person, login):
    login(person, now=int(time.time()) - 30)
    assert get_code(client, rp, pkce, max_age="10000")


def test_a_client_minimum_level_above_the_session_asks_for_step_up(
    client, svc, make_client, pkce, person, login
):
    strict = make_client(min_level=3)
    login(person, level=2)
    response = client.get("/authorize", query_string=authorize_params(strict, pkce))
    assert _login_request(svc, response).min_level == 3


def test_acr_values_step_up_and_the_returned_acr_is_one_requested(
    client, svc, rp, pkce, person, login
):
    login(person, level=2)
    response = client.get("/authorize", query_string=authorize_params(rp, pkce,
                                                                       acr_values="3"))
    assert _login_request(svc, response).min_level == 3
    code = get_code(client, rp, pkce, acr_values="1 2")
    claims = svc.signing_keys.verify_jwt(redeem(client, rp, code, pkce).json["id_token"],
                                         ["RS256"])
    assert claims["acr"] in ("1", "2")


def test_prompt_none_with_a_matching_id_token_hint_succeeds(client, svc, rp, pkce, person, login):
    login(person)
    id_token = redeem(client, rp, get_code(client, rp, pkce), pkce).json["id_token"]
    assert get_code(client, rp, pkce, prompt="none", id_token_hint=id_token)


def test_prompt_none_with_another_persons_id_token_hint_answers_login_required(
    client, svc, rp, pkce, person, login
):
    from idp.accounts.service import create_person
    from idp.audit import SYSTEM_ACTOR

    other = create_person(svc, SYSTEM_ACTOR, username="lisi", password="Correct-horse-9",
                          name="李四", id_number="110105194912310038")
    login(other)
    hint = redeem(client, rp, get_code(client, rp, pkce), pkce).json["id_token"]
    login(person)
    answer = query(client.get("/authorize", query_string=authorize_params(
        rp, pkce, prompt="none", id_token_hint=hint)))
    assert answer["error"] == "login_required"


def test_a_forged_id_token_hint_is_an_invalid_request(client, rp, pkce, person, login):
    login(person)
    answer = query(client.get("/authorize", query_string=authorize_params(
        rp, pkce, id_token_hint="eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")))
    assert answer["error"] == "invalid_request"


def test_the_session_records_the_client_for_logout(client, svc, rp, pkce, person, login):
    token, _ = login(person)
    get_code(client, rp, pkce)
    session = svc.sessions.load(token)
    assert session.participants[f"oidc:{rp.client_id}"]["sub"] == person.id


def test_max_age_zero_is_satisfied_by_the_login_it_caused(client, svc, rp, pkce, person, login):
    login(person, now=int(time.time()) - 30)
    login_request = _login_request(
        svc, client.get("/authorize", query_string=authorize_params(rp, pkce, max_age="0")))
    login(person, now=int(time.time()) + 1)  # a login after the request
    assert "code" in query(client.get(login_request.return_to))
