"""Conformance behaviours not covered elsewhere (see CONFORMANCE_MAP.md): key rotation
(Dynamic oidcc-server-rotate-keys), error_description hygiene, exact redirect URIs with a
query, page headers (RFC 9700), token lifetimes and the form_post happy flow."""

from __future__ import annotations

import base64
import json
import re

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from oidc_helpers import authorize_params, get_code, query, redeem

BAD_CHARS = {"\r", "\n", "\t"}


def _kid(token: str) -> str:
    return json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))["kid"]


def test_after_key_rotation_the_jwks_keeps_the_old_key_and_new_id_tokens_use_the_new_one(
    client, svc, rp, pkce, person, login
):
    login(person)
    before = redeem(client, rp, get_code(client, rp, pkce), pkce).json["id_token"]
    svc.signing_keys.rotate("RS256")
    after = redeem(client, rp, get_code(client, rp, pkce), pkce).json["id_token"]
    assert _kid(after) != _kid(before)
    jwks = KeySet.import_key_set(client.get("/jwks").json)
    kids = {key.kid for key in jwks.keys}
    assert {_kid(before), _kid(after)} <= kids
    for token in (before, after):  # a relying party verifies both with the served JWKS only
        assert jwt.decode(token, jwks, algorithms=["RS256"]).claims["iss"] == \
            svc.settings.issuer


@pytest.mark.parametrize(("endpoint", "form", "auth"), [
    ("/token", {"grant_type": "authorization_code", "code": "nope\r\nx",
                "redirect_uri": "https://rp.example.gov.cn/cb"}, True),
    ("/token", {"grant_type": "refresh_token", "refresh_token": "a\tb"}, True),
    ("/token", {"grant_type": "client_credentials"}, False),
    ("/token", {"grant_type": "nope"}, True),
    ("/token", {}, True),
    ("/introspect", {}, False),
    ("/revoke", {"token": "x"}, False),
    ("/par", {"response_type": "token", "redirect_uri": "https://x.example/\r\n"}, True),
])
def test_error_descriptions_never_carry_cr_lf_or_tab(client, rp, endpoint, form, auth):
    response = client.post(endpoint, data=form, headers=rp.basic if auth else {})
    assert 400 <= response.status_code < 500
    body = response.json
    assert body["error"]
    assert not set(body.get("error_description", "")) & BAD_CHARS
    assert not set(response.headers.get("WWW-Authenticate", "")) & BAD_CHARS


def test_userinfo_errors_carry_no_cr_lf_or_tab(client):
    response = client.get("/userinfo", headers={"Authorization": "Bearer a\tb"})
    assert response.status_code == 401
    assert not set(response.headers["WWW-Authenticate"]) & BAD_CHARS


def test_a_registered_redirect_uri_with_a_query_must_match_exactly(
    client, make_client, pkce, person, login
):
    registered = "https://rp.example.gov.cn/cb?tenant=1"
    rp = make_client(redirect_uris=[registered])
    login(person)
    ok = client.get("/authorize", query_string=authorize_params(rp, pkce))
    assert ok.status_code == 303 and ok.headers["Location"].startswith(registered + "&code=")
    for other in ("https://rp.example.gov.cn/cb", "https://rp.example.gov.cn/cb?tenant=2",
                  registered + "&x=1", "https://rp.example.gov.cn/cb?TENANT=1"):
        refused = client.get("/authorize", query_string=authorize_params(
            rp, pkce, redirect_uri=other))
        assert refused.status_code == 400 and "Location" not in refused.headers


_OWN_ORIGIN = re.compile(r'(?:src|href|action)="(?!/|#|https://rp\.example\.gov\.cn)([^"]+)"')


@pytest.mark.parametrize("page", ["consent", "chooser", "error"])
def test_provider_pages_forbid_framing_send_no_referrer_and_load_nothing_third_party(
    client, make_client, pkce, person, login, page
):
    rp = make_client(first_party=False)
    login(person)
    params = authorize_params(rp, pkce, prompt="select_account" if page == "chooser" else None)
    if page == "error":
        params["client_id"] = "nobody"
    response = client.get("/authorize", query_string=params)
    if page != "error":
        response = client.get(response.headers["Location"])
    html = response.get_data(as_text=True)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Access-Control-Allow-Origin" not in response.headers
    assert _OWN_ORIGIN.findall(html) == []


def test_token_responses_have_sane_expires_in_and_are_not_cached(
    client, svc, rp, pkce, person, login
):
    login(person)
    first = redeem(client, rp, get_code(client, rp, pkce, scope="openid offline_access"), pkce)
    refreshed = client.post("/token", headers=rp.basic, data={
        "grant_type": "refresh_token", "refresh_token": first.json["refresh_token"]})
    for response in (first, refreshed):
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert isinstance(response.json["expires_in"], int)
        assert 60 <= response.json["expires_in"] <= 3600
        claims = svc.signing_keys.verify_jwt(response.json["access_token"], ["ES256"])
        assert abs(claims["exp"] - claims["iat"] - response.json["expires_in"]) <= 1


def test_the_form_post_happy_flow_redeems_its_code(client, svc, rp, pkce, person, login):
    login(person)
    html = client.get("/authorize", query_string=authorize_params(
        rp, pkce, response_mode="form_post")).get_data(as_text=True)
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', html))
    tokens = redeem(client, rp, fields["code"], pkce)
    assert tokens.status_code == 200
    claims = svc.signing_keys.verify_jwt(tokens.json["id_token"], ["RS256"])
    assert claims["nonce"] == "n-1" and claims["sub"] == person.id


def test_an_unsigned_request_object_is_refused_never_ignored(client, svc, rp, pkce, person,
                                                                  login):
    login(person)
    body = base64.urlsafe_b64encode(json.dumps(
        {"redirect_uri": rp.redirect_uri, "state": "from-object", "scope": "openid email"}
    ).encode()).rstrip(b"=").decode()
    params = authorize_params(rp, pkce, request=f"eyJhbGciOiJub25lIn0.{body}.")
    answer = query(client.get("/authorize", query_string=params))
    assert answer["error"] == "request_not_supported" and "code" not in answer
    assert answer["iss"] == svc.settings.issuer


def test_codes_carry_at_least_128_bits(client, rp, pkce, person, login):
    login(person)
    codes = {get_code(client, rp, pkce) for _ in range(3)}
    assert len(codes) == 3 and all(len(base64.urlsafe_b64decode(c + "==")) >= 16
                                   for c in codes)


def test_no_redirect_after_a_credential_post_is_a_307(client, make_client, pkce, person, login):
    third = make_client(first_party=False)
    login(person)
    posted = client.post("/authorize", data=authorize_params(third, pkce))
    assert posted.status_code == 303
    page = client.get(posted.headers["Location"]).get_data(as_text=True)
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page))
    answered = client.post("/authorize/consent", data={**fields, "decision": "allow"})
    assert answered.status_code == 303 and "code" in query(answered)
