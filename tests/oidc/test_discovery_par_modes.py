"""Discovery metadata, pushed authorization requests and response modes."""

from __future__ import annotations

import re

from authlib.oidc.discovery import OpenIDProviderMetadata
from oidc_helpers import authorize_params, query


def test_the_discovery_document_is_valid_and_says_what_we_do(client, svc):
    body = client.get("/.well-known/openid-configuration").json
    OpenIDProviderMetadata(body).validate()
    assert body["issuer"] == svc.settings.issuer
    assert body["jwks_uri"] == svc.settings.issuer + "/jwks"
    assert body["authorization_response_iss_parameter_supported"] is True
    assert body["code_challenge_methods_supported"] == ["S256"]
    assert body["request_parameter_supported"] is False
    assert body["request_uri_parameter_supported"] is False
    assert "none" not in body["id_token_signing_alg_values_supported"]
    assert set(body["response_modes_supported"]) == {"query", "fragment", "form_post"}
    assert body["response_types_supported"] == ["code"]
    assert body["backchannel_logout_supported"] and body["frontchannel_logout_supported"]


def test_the_jwks_publishes_the_keys_that_sign_id_and_access_tokens(client, svc):
    rs256, es256 = svc.signing_keys.signing_key("RS256"), svc.signing_keys.signing_key("ES256")
    kids = {k["kid"] for k in client.get("/jwks").json["keys"]}
    assert rs256.kid in kids and es256.kid in kids


def _push(client, rp, pkce, **extra):
    form = authorize_params(rp, pkce, **extra)
    return client.post("/par", data=form, headers=rp.basic)


def test_a_pushed_request_is_used_once_by_its_request_uri(client, rp, pkce, person, login):
    pushed = _push(client, rp, pkce)
    assert pushed.status_code == 201 and pushed.json["expires_in"] == 60
    assert pushed.json["request_uri"].startswith("urn:ietf:params:oauth:request_uri:")
    login(person)
    params = {"client_id": rp.client_id, "request_uri": pushed.json["request_uri"]}
    answer = query(client.get("/authorize", query_string=params))
    assert answer["code"] and answer["state"] == "s-1"
    again = client.get("/authorize", query_string=params)
    assert again.status_code == 400 and "Location" not in again.headers


def test_a_pushed_request_is_validated_when_pushed(client, rp, pkce):
    response = _push(client, rp, pkce, redirect_uri="https://evil.example.com/cb")
    assert response.status_code == 400 and response.json["error"] == "invalid_request"


def test_a_pushed_request_needs_client_authentication(client, rp, pkce):
    response = client.post("/par", data=authorize_params(rp, pkce))
    assert response.status_code in (400, 401) and response.json["error"] == "invalid_client"


def test_a_request_uri_of_another_client_is_refused(client, rp, make_client, pkce, person, login):
    other = make_client()
    uri = _push(client, rp, pkce).json["request_uri"]
    login(person)
    response = client.get("/authorize", query_string={"client_id": other.client_id,
                                                       "request_uri": uri})
    assert response.status_code == 400


def test_fragment_mode_puts_the_response_in_the_fragment(client, svc, rp, pkce, person, login):
    login(person)
    response = client.get("/authorize", query_string=authorize_params(
        rp, pkce, response_mode="fragment"))
    location = response.headers["Location"]
    assert "?" not in location and "#code=" in location
    assert query(response)["iss"] == svc.settings.issuer


def test_form_post_mode_renders_a_form_that_works_without_javascript(
    client, svc, rp, pkce, person, login
):
    login(person)
    response = client.get("/authorize", query_string=authorize_params(
        rp, pkce, response_mode="form_post"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert f'action="{rp.redirect_uri}"' in html and 'method="post"' in html
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', html))
    assert fields["state"] == "s-1" and fields["code"] and fields["iss"] == svc.settings.issuer
    assert '<button type="submit"' in html
    assert "<script>" not in html  # the auto-submit is a same-origin file, CSP-compatible


def test_form_post_errors_are_posted_too(client, rp, pkce):
    response = client.get("/authorize", query_string=authorize_params(
        rp, pkce, response_mode="form_post", prompt="none"))
    html = response.get_data(as_text=True)
    assert 'name="error" value="login_required"' in html
