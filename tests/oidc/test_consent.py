"""Consent: asked once per client and scope set for non-first-party clients, remembered."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from oidc_helpers import authorize_params, query


@pytest.fixture
def third_party(make_client):
    return make_client(first_party=False)


def _consent_form(client, response):
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="csrf_token"' in html
    return dict(re.findall(r'name="(\w+)" value="([^"]*)"', html))


def test_a_third_party_client_asks_for_consent_once(client, third_party, pkce, person, login):
    login(person)
    first = client.get("/authorize", query_string=authorize_params(third_party, pkce))
    assert urlsplit(first.headers["Location"]).path == "/authorize/consent"
    fields = _consent_form(client, first)
    approved = client.post("/authorize/consent", data={**fields, "decision": "allow"})
    assert approved.status_code == 303 and query(approved)["code"]
    again = client.get("/authorize", query_string=authorize_params(third_party, pkce))
    assert query(again)["code"]  # remembered


def test_prompt_consent_asks_again(client, third_party, pkce, person, login):
    login(person)
    fields = _consent_form(client, client.get(
        "/authorize", query_string=authorize_params(third_party, pkce)))
    client.post("/authorize/consent", data={**fields, "decision": "allow"})
    forced = client.get("/authorize", query_string=authorize_params(third_party, pkce,
                                                                     prompt="consent"))
    assert urlsplit(forced.headers["Location"]).path == "/authorize/consent"


def test_denying_consent_answers_access_denied(client, third_party, pkce, person, login):
    login(person)
    fields = _consent_form(client, client.get(
        "/authorize", query_string=authorize_params(third_party, pkce)))
    denied = client.post("/authorize/consent", data={**fields, "decision": "deny"})
    assert query(denied)["error"] == "access_denied" and query(denied)["state"] == "s-1"


def test_prompt_none_without_consent_answers_consent_required(
    client, third_party, pkce, person, login
):
    login(person)
    answer = query(client.get("/authorize", query_string=authorize_params(
        third_party, pkce, prompt="none")))
    assert answer["error"] == "consent_required"


def test_the_consent_form_needs_its_csrf_token(client, third_party, pkce, person, login):
    login(person)
    fields = _consent_form(client, client.get(
        "/authorize", query_string=authorize_params(third_party, pkce)))
    fields.pop("csrf_token")
    assert client.post("/authorize/consent", data={**fields, "decision": "allow"}
                       ).status_code == 400


def test_first_party_clients_never_ask(client, rp, pkce, person, login):
    login(person)
    assert query(client.get("/authorize", query_string=authorize_params(rp, pkce)))["code"]
