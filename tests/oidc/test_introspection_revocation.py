"""RFC 7662 introspection and RFC 7009 revocation."""

from __future__ import annotations

from oidc_helpers import get_code, redeem


def _tokens(client, rp, pkce):
    return redeem(client, rp, get_code(client, rp, pkce, scope="openid offline_access"),
                  pkce).json


def _introspect(client, rp, token):
    return client.post("/introspect", headers=rp.basic, data={"token": token})


def test_a_live_access_token_is_active_with_its_claims(client, rp, pkce, person, login):
    login(person)
    body = _introspect(client, rp, _tokens(client, rp, pkce)["access_token"]).json
    assert body["active"] is True
    assert body["client_id"] == rp.client_id and body["sub"] == person.id
    assert body["scope"] == "openid offline_access" and body["exp"] > body["iat"]


def test_a_live_refresh_token_is_active(client, rp, pkce, person, login):
    login(person)
    body = _introspect(client, rp, _tokens(client, rp, pkce)["refresh_token"]).json
    assert body["active"] is True and body["token_type"] == "refresh_token"


def test_unknown_tokens_are_inactive(client, rp):
    assert _introspect(client, rp, "nonsense").json == {"active": False}
    assert _introspect(client, rp, "a.b.c").json == {"active": False}


def test_introspection_requires_client_authentication(client, rp):
    response = client.post("/introspect", data={"token": "x"})
    assert response.status_code == 401 and response.json["error"] == "invalid_client"


def test_another_client_cannot_introspect_a_token(client, rp, make_client, pkce, person, login):
    other = make_client()
    login(person)
    token = _tokens(client, rp, pkce)["access_token"]
    assert _introspect(client, other, token).json == {"active": False}


def test_a_revoked_access_token_becomes_inactive(client, rp, pkce, person, login):
    login(person)
    token = _tokens(client, rp, pkce)["access_token"]
    response = client.post("/revoke", headers=rp.basic, data={"token": token})
    assert response.status_code == 200
    assert _introspect(client, rp, token).json == {"active": False}
    assert client.get("/userinfo", headers={"Authorization": f"Bearer {token}"}
                      ).status_code == 401


def test_revoking_a_refresh_token_revokes_its_family(client, rp, pkce, person, login):
    login(person)
    first = _tokens(client, rp, pkce)
    second = client.post("/token", headers=rp.basic, data={
        "grant_type": "refresh_token", "refresh_token": first["refresh_token"]}).json
    client.post("/revoke", headers=rp.basic,
                data={"token": second["refresh_token"], "token_type_hint": "refresh_token"})
    assert _introspect(client, rp, second["refresh_token"]).json == {"active": False}
    response = client.post("/token", headers=rp.basic, data={
        "grant_type": "refresh_token", "refresh_token": second["refresh_token"]})
    assert response.json["error"] == "invalid_grant"


def test_revoking_an_unknown_token_still_answers_200(client, rp):
    assert client.post("/revoke", headers=rp.basic, data={"token": "nope"}).status_code == 200


def test_revocation_is_audited(client, svc, rp, pkce, person, login):
    from sqlalchemy import select

    from idp.audit import AuditEvent

    login(person)
    client.post("/revoke", headers=rp.basic,
                data={"token": _tokens(client, rp, pkce)["refresh_token"]})
    with svc.db.session() as session:
        events = list(session.scalars(
            select(AuditEvent).where(AuditEvent.type == "token.revoke")))
    assert [e.client_id for e in events] == [rp.client_id]
