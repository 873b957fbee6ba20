"""Signed userinfo (OIDC Core §5.3.2; Dynamic OP plan): clients that register
``userinfo_signed_response_alg`` get a JWT, the others plain JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from joserfc import jwt
from joserfc.jwk import KeySet
from oidc_helpers import get_code, redeem

from clients.initial_tokens import issue_initial_access_token
from idp.audit import SYSTEM_ACTOR
from idp.db import alembic_config

ALGS = ["RS256", "PS256", "ES256", "EdDSA"]


def _tokens(client, rp, pkce) -> dict:
    response = redeem(client, rp, get_code(client, rp, pkce, scope="openid profile"), pkce)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def _verified(client, token: str, alg: str) -> dict:
    """What a relying party does: verify the JWT with the provider's published keys."""
    keys = KeySet.import_key_set(client.get("/jwks").json)
    return jwt.decode(token, keys, algorithms=[alg]).claims


def test_a_client_that_registered_es256_gets_a_jwt_signed_by_a_published_key(
    client, make_client, pkce, person, login, svc
):
    rp = make_client(userinfo_signed_response_alg="ES256")
    login(person)
    tokens = _tokens(client, rp, pkce)
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    response = client.get("/userinfo", headers=bearer)
    assert response.status_code == 200
    assert response.mimetype == "application/jwt"
    assert response.headers["Cache-Control"] == "no-store"
    claims = _verified(client, response.get_data(as_text=True), "ES256")
    id_token = _verified(client, tokens["id_token"], "RS256")
    assert claims["iss"] == svc.settings.issuer
    assert claims["aud"] == rp.client_id
    assert claims["sub"] == id_token["sub"] == person.id
    assert claims["name"] == "张三" and "email" not in claims


def test_the_signed_answer_carries_the_same_claims_as_the_json_one_and_post_works_too(
    client, make_client, pkce, person, login
):
    plain, signed = make_client(), make_client(userinfo_signed_response_alg="PS256")
    login(person)
    as_json = client.get("/userinfo", headers={
        "Authorization": f"Bearer {_tokens(client, plain, pkce)['access_token']}"}).json
    token = _tokens(client, signed, pkce)["access_token"]
    response = client.post("/userinfo", data={"access_token": token})
    claims = _verified(client, response.get_data(as_text=True), "PS256")
    assert {k: v for k, v in claims.items() if k not in ("iss", "aud")} == as_json


def test_a_client_without_the_alg_gets_plain_json(client, rp, pkce, person, login):
    login(person)
    token = _tokens(client, rp, pkce)["access_token"]
    response = client.get("/userinfo", headers={"Authorization": f"Bearer {token}"})
    assert response.mimetype == "application/json"
    assert response.json["sub"] == person.id and "iss" not in response.json


def _register(client, svc, **metadata):
    token = issue_initial_access_token(svc, SYSTEM_ACTOR, ttl=60)
    body = {"client_name": "不动产登记", "redirect_uris": ["https://bdc.example.gov.cn/cb"],
            **metadata}
    return client.post("/connect/register", json=body, headers={"Authorization": f"Bearer {token}"})


def test_registration_accepts_the_alg_and_returns_it(client, svc):
    response = _register(client, svc, userinfo_signed_response_alg="ES256")
    assert response.status_code == 201
    assert response.json["userinfo_signed_response_alg"] == "ES256"
    read = client.get(f"/connect/register/{response.json['client_id']}", headers={
        "Authorization": f"Bearer {response.json['registration_access_token']}"})
    assert read.json["userinfo_signed_response_alg"] == "ES256"


def test_registration_without_the_alg_returns_none_of_it(client, svc):
    response = _register(client, svc)
    assert response.status_code == 201
    assert "userinfo_signed_response_alg" not in response.json


@pytest.mark.parametrize("alg", ["none", "HS256", "bogus", 256, ""])
def test_registration_with_none_or_a_bogus_alg_is_refused(client, svc, alg):
    response = _register(client, svc, userinfo_signed_response_alg=alg)
    assert response.status_code == 400
    assert response.json["error"] == "invalid_client_metadata"
    assert "userinfo_signed_response_alg" in response.json["error_description"]


def test_discovery_lists_the_userinfo_signing_algs(client):
    body = client.get("/.well-known/openid-configuration").json
    assert sorted(body["userinfo_signing_alg_values_supported"]) == sorted(ALGS)


def test_the_cli_registers_a_client_with_a_userinfo_alg(cli, app):
    args = ["clients", "add", "--name", "公积金中心", "--redirect-uri",
            "https://gjj.example.gov.cn/cb", "--json"]
    added = cli(*args, "--userinfo-alg", "ES256")
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["userinfo_signed_response_alg"] == "ES256"
    refused = cli(*args, "--userinfo-alg", "none")
    assert refused.exit_code != 0


def test_the_migration_moves_an_alg_kept_in_extra_into_the_column_and_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrate.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0006_oidc")
    engine = sa.create_engine(url)
    clients = sa.Table("oidc_clients", sa.MetaData(), autoload_with=engine)
    now = datetime.now(UTC)
    row = {c.name: None for c in clients.columns} | {
        "client_id": "c1", "name": "x", "application_type": "web",
        "token_endpoint_auth_method": "none", "redirect_uris": [], "grant_types": [],
        "post_logout_redirect_uris": [], "response_types": [], "allowed_scopes": [],
        "allowed_claims": [], "backchannel_logout_session_required": True,
        "frontchannel_logout_session_required": True, "subject_type": "public",
        "min_level": 1, "id_token_signed_response_alg": "RS256", "access_token_lifetime": 1,
        "refresh_token_lifetime": 1, "refresh_token_absolute_lifetime": 1,
        "id_token_lifetime": 1, "first_party": False, "allow_refresh": False,
        "disabled": False, "created_at": now, "updated_at": now,
        "extra": {"userinfo_signed_response_alg": "ES256", "contacts": ["a@b.cn"]},
    }
    with engine.begin() as conn:
        conn.execute(clients.insert().values(row))
    command.upgrade(config, "0010_userinfo_alg")
    query = sa.text("SELECT extra, userinfo_signed_response_alg FROM oidc_clients")
    with engine.connect() as conn:
        extra, alg = conn.execute(query).one()
    assert alg == "ES256" and json.loads(extra) == {"contacts": ["a@b.cn"]}
    command.downgrade(config, "0006_oidc")
    with engine.connect() as conn:
        extra = conn.execute(sa.text("SELECT extra FROM oidc_clients")).scalar_one()
    assert json.loads(extra)["userinfo_signed_response_alg"] == "ES256"
    engine.dispose()
