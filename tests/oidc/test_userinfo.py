"""UserInfo: GET, POST with a header, POST with a body token; claims by scope within policy."""

from __future__ import annotations

import json

import pytest
from oidc_helpers import get_code, redeem


def _access_token(client, rp, pkce, scope="openid profile", **extra):
    return redeem(client, rp, get_code(client, rp, pkce, scope=scope, **extra), pkce).json[
        "access_token"]


def test_userinfo_by_get_returns_the_same_sub_and_profile_claims(client, rp, pkce, person, login):
    login(person)
    token = _access_token(client, rp, pkce)
    response = client.get("/userinfo", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json["sub"] == person.id
    assert response.json["name"] == "张三" and response.json["preferred_username"] == "zhangsan"
    assert "email" not in response.json and "phone_number" not in response.json


def test_userinfo_by_post_with_a_header_and_with_a_body_token(client, rp, pkce, person, login):
    login(person)
    token = _access_token(client, rp, pkce)
    assert client.post("/userinfo", headers={"Authorization": f"Bearer {token}"}).json["sub"]
    assert client.post("/userinfo", data={"access_token": token}).json["sub"] == person.id


@pytest.mark.parametrize(("scope", "claims"), [
    ("openid email", {"email", "email_verified"}),
    ("openid phone", {"phone_number", "phone_number_verified"}),
    ("openid address", {"address"}),
    ("openid profile email phone address",
     {"name", "email", "phone_number", "address", "preferred_username"}),
])
def test_claims_follow_the_scopes(client, rp, pkce, person, login, scope, claims):
    login(person)
    token = _access_token(client, rp, pkce, scope=scope)
    body = client.get("/userinfo", headers={"Authorization": f"Bearer {token}"}).json
    assert claims <= set(body)


def test_a_client_never_receives_a_claim_its_policy_does_not_allow(
    client, make_client, pkce, person, login
):
    rp = make_client(scope="openid profile id_card", allowed_claims=["name"])
    login(person)
    token = _access_token(client, rp, pkce, scope="openid profile id_card")
    body = client.get("/userinfo", headers={"Authorization": f"Bearer {token}"}).json
    assert "id_card" not in body and "preferred_username" not in body and body["name"]


def test_the_claims_parameter_asks_for_an_essential_claim(client, rp, pkce, person, login):
    login(person)
    claims = json.dumps({"userinfo": {"email": {"essential": True}}})
    token = _access_token(client, rp, pkce, scope="openid", claims=claims)
    body = client.get("/userinfo", headers={"Authorization": f"Bearer {token}"}).json
    assert body["email"] == "zhangsan@example.cn"


def test_no_token_gets_a_bearer_challenge(client):
    response = client.get("/userinfo")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_bad_token_gets_invalid_token(client):
    response = client.get("/userinfo", headers={"Authorization": "Bearer x.y.z"})
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_an_id_token_is_not_an_access_token(client, rp, pkce, person, login):
    login(person)
    id_token = redeem(client, rp, get_code(client, rp, pkce), pkce).json["id_token"]
    response = client.get("/userinfo", headers={"Authorization": f"Bearer {id_token}"})
    assert response.status_code == 401


def test_a_token_without_openid_gets_insufficient_scope(client, make_client, pkce, person, login):
    api = make_client(grant_types=["client_credentials"], scope="profile", redirect_uris=[])
    token = client.post("/token", headers=api.basic,
                        data={"grant_type": "client_credentials"}).json["access_token"]
    response = client.get("/userinfo", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401  # no person behind a client-credentials token


def test_pairwise_clients_see_a_pairwise_sub_in_tokens_and_userinfo(
    client, svc, make_client, pkce, person, login
):
    rp = make_client(subject_type="pairwise")
    login(person)
    tokens = redeem(client, rp, get_code(client, rp, pkce), pkce).json
    sub = svc.signing_keys.verify_jwt(tokens["id_token"], ["RS256"])["sub"]
    assert sub != person.id
    body = client.get("/userinfo",
                      headers={"Authorization": f"Bearer {tokens['access_token']}"}).json
    assert body["sub"] == sub


def test_a_person_token_without_openid_gets_insufficient_scope(client, rp, pkce, person, login):
    login(person)
    token = _access_token(client, rp, pkce, scope="profile")
    response = client.get("/userinfo", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]


def test_a_legal_persons_agent_gets_the_legal_person_claim(
    client, svc, make_client, pkce, person
):
    from idp.sso.session import COOKIE_NAME

    rp = make_client(scope="openid profile legal_person")
    acting = {"id": "lp1", "name": "福州某某科技有限公司", "credit_code": "91350100M000100Y43",
              "role": "agent"}
    token, _ = svc.sessions.create(account_id=person.id, username=person.username, level=2,
                                   amr=["pwd"], acting_for=acting)
    client.set_cookie(COOKIE_NAME, token)
    access = _access_token(client, rp, pkce, scope="openid legal_person")
    body = client.get("/userinfo", headers={"Authorization": f"Bearer {access}"}).json
    assert body["legal_person"] == {"name": acting["name"], "credit_code": acting["credit_code"],
                                    "role": "agent"}
