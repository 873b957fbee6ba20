"""The happy code flow (oidcc-server) and the ID token's contents."""

from __future__ import annotations

from oidc_helpers import authorize_params, get_code, query, redeem


def test_a_signed_in_browser_gets_a_code_with_state_and_iss_without_a_password(
    client, app, rp, person, login, pkce
):
    login(person)
    response = client.get("/authorize", query_string=authorize_params(rp, pkce))
    assert response.status_code == 303
    assert response.headers["Location"].startswith(rp.redirect_uri + "?")
    params = query(response)
    assert params["state"] == "s-1"
    assert params["iss"] == app.extensions["yiwang"].settings.issuer
    assert len(params["code"]) >= 40


def test_the_token_response_carries_an_id_token_with_every_required_claim(
    client, svc, rp, person, login, pkce
):
    _, session = login(person)
    response = redeem(client, rp, get_code(client, rp, pkce), pkce)
    assert response.status_code == 200, response.json
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json
    assert body["token_type"] == "Bearer" and 0 < body["expires_in"] <= 3600
    claims = svc.signing_keys.verify_jwt(body["id_token"], ["RS256"])
    assert claims["iss"] == svc.settings.issuer
    assert claims["aud"] == rp.client_id
    assert claims["sub"] == person.id
    assert claims["nonce"] == "n-1"
    assert claims["sid"] == session.sid
    assert claims["acr"] == "2" and claims["amr"] == ["pwd"]
    assert claims["auth_time"] == session.auth_time
    assert claims["exp"] > claims["iat"]
    assert "at_hash" in claims


def test_access_tokens_are_rfc9068_jwts_signed_es256(client, svc, rp, person, login, pkce):
    login(person)
    body = redeem(client, rp, get_code(client, rp, pkce), pkce).json
    header = __import__("json").loads(
        __import__("base64").urlsafe_b64decode(body["access_token"].split(".")[0] + "=="))
    assert header["typ"] == "at+jwt" and header["alg"] == "ES256" and header["kid"]
    claims = svc.signing_keys.verify_jwt(body["access_token"], ["ES256"])
    assert claims["client_id"] == rp.client_id and claims["sub"] == person.id
    assert claims["scope"] == "openid profile" and claims["jti"]


def test_a_request_without_nonce_succeeds_for_the_code_flow(client, rp, person, login, pkce):
    login(person)
    code = get_code(client, rp, pkce, nonce=None)
    assert redeem(client, rp, code, pkce).status_code == 200
