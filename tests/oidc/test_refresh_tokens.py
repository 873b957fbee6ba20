"""Refresh tokens: offline_access only, rotation, reuse detection, binding, expiry."""

from __future__ import annotations

import pytest
from oidc_helpers import get_code, redeem


def _tokens(client, rp, pkce, scope="openid profile offline_access"):
    return redeem(client, rp, get_code(client, rp, pkce, scope=scope), pkce).json


def _refresh(client, rp, refresh_token, **extra):
    return client.post("/token", headers=rp.basic, data={
        "grant_type": "refresh_token", "refresh_token": refresh_token, **extra})


def test_no_refresh_token_without_offline_access(client, rp, pkce, person, login):
    login(person)
    assert "refresh_token" not in _tokens(client, rp, pkce, scope="openid profile")


def test_refresh_tokens_are_opaque_with_at_least_128_bits(client, rp, pkce, person, login):
    login(person)
    token = _tokens(client, rp, pkce)["refresh_token"]
    assert "." not in token and len(token) >= 43  # 32 random bytes, base64url


def test_a_refresh_rotates_the_token_and_keeps_iss_and_sub_in_the_new_id_token(
    client, svc, rp, pkce, person, login
):
    login(person)
    first = _tokens(client, rp, pkce)
    response = _refresh(client, rp, first["refresh_token"])
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    second = response.json
    assert second["refresh_token"] != first["refresh_token"]
    old = svc.signing_keys.verify_jwt(first["id_token"], ["RS256"])
    new = svc.signing_keys.verify_jwt(second["id_token"], ["RS256"])
    assert (new["iss"], new["sub"], new["auth_time"]) == (old["iss"], old["sub"],
                                                          old["auth_time"])


def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(
    client, rp, pkce, person, login
):
    login(person)
    first = _tokens(client, rp, pkce)
    second = _refresh(client, rp, first["refresh_token"]).json
    assert _refresh(client, rp, first["refresh_token"]).json["error"] == "invalid_grant"
    # The thief's replay also kills the legitimate holder's newer token.
    assert _refresh(client, rp, second["refresh_token"]).json["error"] == "invalid_grant"


def test_a_refresh_token_is_bound_to_its_client(client, rp, make_client, pkce, person, login):
    other = make_client(grant_types=["authorization_code", "refresh_token"])
    login(person)
    token = _tokens(client, rp, pkce)["refresh_token"]
    assert _refresh(client, other, token).json["error"] == "invalid_grant"


def test_a_refresh_cannot_widen_the_granted_scope(client, rp, pkce, person, login):
    login(person)
    token = _tokens(client, rp, pkce)["refresh_token"]
    assert _refresh(client, rp, token, scope="openid email").json["error"] == "invalid_scope"


def test_a_refresh_token_past_its_absolute_expiry_fails(client, svc, rp, pkce, person, login):
    from datetime import timedelta

    from sqlalchemy import update

    from idp.db import utcnow
    from idp.oidc.grants.refresh_token_model import RefreshToken

    login(person)
    token = _tokens(client, rp, pkce)["refresh_token"]
    with svc.db.begin() as session:
        session.execute(update(RefreshToken).values(
            family_expires_at=utcnow() - timedelta(seconds=1)))
    assert _refresh(client, rp, token).json["error"] == "invalid_grant"


def test_refresh_is_audited_with_the_client_id(client, svc, rp, pkce, person, login):
    from sqlalchemy import select

    from idp.audit import AuditEvent

    login(person)
    _refresh(client, rp, _tokens(client, rp, pkce)["refresh_token"])
    with svc.db.session() as session:
        events = list(session.scalars(
            select(AuditEvent).where(AuditEvent.type == "token.refresh")))
    assert [e.client_id for e in events] == [rp.client_id]


@pytest.mark.usefixtures("backend")
def test_code_and_refresh_flows_work_on_both_databases(client, rp, pkce, person, login):
    login(person)
    first = _tokens(client, rp, pkce)
    second = _refresh(client, rp, first["refresh_token"]).json
    assert second["access_token"] and second["refresh_token"]
    assert _refresh(client, rp, first["refresh_token"]).json["error"] == "invalid_grant"


def test_a_person_can_revoke_a_sites_refresh_tokens(client, svc, rp, pkce, person, login):
    from idp.oidc.grants.refresh_tokens import revoke_for_account

    login(person)
    token = _tokens(client, rp, pkce)["refresh_token"]
    assert revoke_for_account(svc, person.id, rp.client_id) == 1
    assert _refresh(client, rp, token).json["error"] == "invalid_grant"


def _introspect(client, rp, token):
    return client.post("/introspect", headers=rp.basic, data={"token": token}).json


def _userinfo_status(client, token):
    return client.get("/userinfo", headers={"Authorization": f"Bearer {token}"}).status_code


@pytest.mark.usefixtures("backend")
def test_reusing_a_rotated_refresh_token_revokes_every_access_token_of_the_grant(
    client, rp, pkce, person, login
):
    # RFC 9700 §4.14.2 + RFC 7009 §2.1: the replay means a copy leaked, so every access token
    # issued from this grant (by the code and by each refresh) must stop working too.
    login(person)
    first = _tokens(client, rp, pkce)
    second = _refresh(client, rp, first["refresh_token"]).json
    third = _refresh(client, rp, second["refresh_token"]).json
    issued = [first["access_token"], second["access_token"], third["access_token"]]
    assert all(_introspect(client, rp, token)["active"] for token in issued)
    assert _refresh(client, rp, first["refresh_token"]).json["error"] == "invalid_grant"
    assert [_introspect(client, rp, token) for token in issued] == [{"active": False}] * 3
    assert [_userinfo_status(client, token) for token in issued] == [401] * 3


def test_revoking_a_refresh_token_revokes_the_access_tokens_of_its_grant(
    client, rp, pkce, person, login
):
    login(person)
    first = _tokens(client, rp, pkce)
    second = _refresh(client, rp, first["refresh_token"]).json
    client.post("/revoke", headers=rp.basic, data={"token": second["refresh_token"]})
    for token in (first["access_token"], second["access_token"]):
        assert _introspect(client, rp, token) == {"active": False}
        assert _userinfo_status(client, token) == 401


def test_a_person_revoking_a_site_also_ends_its_access_tokens(
    client, svc, rp, pkce, person, login
):
    from idp.oidc.grants.refresh_tokens import revoke_for_account

    login(person)
    access = _tokens(client, rp, pkce)["access_token"]
    revoke_for_account(svc, person.id, rp.client_id)
    assert _introspect(client, rp, access) == {"active": False}
