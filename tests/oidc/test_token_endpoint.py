"""The token endpoint: code redemption rules, PKCE, client authentication, client credentials."""

from __future__ import annotations

import time

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey
from oidc_helpers import Pkce, get_code, redeem


def test_a_reused_code_fails_and_revokes_the_tokens_of_its_first_use(
    client, rp, pkce, person, login
):
    login(person)
    code = get_code(client, rp, pkce, scope="openid offline_access")
    first = redeem(client, rp, code, pkce).json
    second = redeem(client, rp, code, pkce)
    assert second.status_code == 400 and second.json["error"] == "invalid_grant"
    introspected = client.post("/introspect", data={"token": first["access_token"]},
                               headers=rp.basic).json
    assert introspected == {"active": False}
    refreshed = client.post("/token", headers=rp.basic, data={
        "grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert refreshed.json["error"] == "invalid_grant"


def test_a_code_is_bound_to_its_client(client, rp, make_client, pkce, person, login):
    other = make_client()
    login(person)
    code = get_code(client, rp, pkce)
    response = client.post("/token", headers=other.basic, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": other.redirect_uri,
        "code_verifier": pkce.verifier})
    assert response.json["error"] == "invalid_grant"


def test_a_code_is_bound_to_its_redirect_uri(client, rp, pkce, person, login):
    login(person)
    code = get_code(client, rp, pkce)
    response = redeem(client, rp, code, pkce, redirect_uri="https://rp.example.gov.cn/other")
    assert response.json["error"] == "invalid_grant"


def test_a_wrong_code_verifier_fails(client, rp, pkce, person, login):
    login(person)
    response = redeem(client, rp, get_code(client, rp, pkce), Pkce())
    assert response.json["error"] == "invalid_grant"


def test_a_code_verifier_without_a_prior_challenge_is_rejected(client, rp, person, login):
    login(person)
    code = get_code(client, rp)  # a confidential client may skip PKCE ...
    response = redeem(client, rp, code, Pkce())  # ... but cannot add a verifier later
    assert response.json["error"] == "invalid_request"


def test_a_missing_code_verifier_fails_when_a_challenge_was_sent(client, rp, pkce, person, login):
    login(person)
    assert redeem(client, rp, get_code(client, rp, pkce)).json["error"] == "invalid_request"


def test_an_expired_code_fails(client, svc, rp, pkce, person, login):
    login(person)
    code = get_code(client, rp, pkce)
    from idp.oidc.grants.authorization_codes import code_key

    svc.store.delete(f"oidc-code:{code_key(code)}")  # what the 60 s TTL does
    assert redeem(client, rp, code, pkce).json["error"] == "invalid_grant"


def test_a_wrong_client_secret_is_invalid_client(client, rp, pkce, person, login):
    login(person)
    code = get_code(client, rp, pkce)
    rp.secret = "wrong"
    response = redeem(client, rp, code, pkce)
    assert response.status_code == 401 and response.json["error"] == "invalid_client"


def test_client_secret_post_works(client, make_client, pkce, person, login):
    rp = make_client(token_endpoint_auth_method="client_secret_post")
    login(person)
    code = get_code(client, rp, pkce)
    response = client.post("/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": rp.redirect_uri,
        "code_verifier": pkce.verifier, "client_id": rp.client_id, "client_secret": rp.secret})
    assert response.status_code == 200 and response.json["id_token"]


def test_a_public_client_redeems_with_pkce_and_no_secret(client, make_client, pkce, person, login):
    rp = make_client(token_endpoint_auth_method="none")
    login(person)
    code = get_code(client, rp, pkce)
    response = client.post("/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": rp.redirect_uri,
        "code_verifier": pkce.verifier, "client_id": rp.client_id})
    assert response.status_code == 200 and response.json["access_token"]


def _private_key_jwt_client(make_client):
    key = ECKey.generate_key("P-256", parameters={"kid": "k1"}, private=True)
    rp = make_client(token_endpoint_auth_method="private_key_jwt",
                     jwks={"keys": [key.as_dict(private=False)]},
                     grant_types=["client_credentials"], scope="profile")
    return rp, key


def _assertion(rp, key, audience, jti="j-1"):
    now = int(time.time())
    claims = {"iss": rp.client_id, "sub": rp.client_id, "aud": audience, "jti": jti,
              "iat": now, "exp": now + 60}
    return jwt.encode({"alg": "ES256", "kid": "k1"}, claims, key)


def test_private_key_jwt_authenticates_and_a_replayed_assertion_is_refused(
    client, svc, make_client
):
    rp, key = _private_key_jwt_client(make_client)
    form = {"grant_type": "client_credentials", "client_assertion_type":
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": _assertion(rp, key, svc.settings.issuer + "/token")}
    assert client.post("/token", data=form).status_code == 200
    replay = client.post("/token", data=form)
    assert replay.status_code in (400, 401) and replay.json["error"] == "invalid_client"


def test_client_credentials_tokens_name_the_client_not_a_person(client, svc, make_client):
    api = make_client(grant_types=["client_credentials"], scope="profile", redirect_uris=[])
    response = client.post("/token", headers=api.basic,
                           data={"grant_type": "client_credentials", "scope": "profile"})
    assert response.status_code == 200, response.json
    assert "refresh_token" not in response.json and "id_token" not in response.json
    claims = svc.signing_keys.verify_jwt(response.json["access_token"], ["ES256"])
    assert claims["sub"] == api.client_id and "auth_time" not in claims


@pytest.mark.parametrize("grant_type", ["password", "implicit", "urn:nope"])
def test_grants_we_do_not_offer_are_unsupported(client, rp, grant_type):
    response = client.post("/token", headers=rp.basic, data={"grant_type": grant_type})
    assert response.json["error"] == "unsupported_grant_type"


def test_token_issue_is_audited_with_the_client_id(client, svc, rp, pkce, person, login):
    from sqlalchemy import select

    from idp.audit import AuditEvent

    login(person)
    redeem(client, rp, get_code(client, rp, pkce), pkce)
    with svc.db.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.type == "token.issue"))
        assert [e.client_id for e in events] == [rp.client_id]
