"""The code and refresh flows with the Store on Redis and the database on PostgreSQL."""

from __future__ import annotations

import pytest
from oidc_helpers import get_code, redeem


@pytest.fixture
def settings(redis_settings):
    return redis_settings


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_code_refresh_and_code_reuse_work_on_postgresql_and_redis(
    backend, client, svc, rp, pkce, person, login
):
    assert svc.settings.redis_url and not svc.db.is_sqlite
    login(person)
    code = get_code(client, rp, pkce, scope="openid offline_access")
    first = redeem(client, rp, code, pkce).json
    assert redeem(client, rp, code, pkce).json["error"] == "invalid_grant"
    response = client.post("/token", headers=rp.basic, data={
        "grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert response.json["error"] == "invalid_grant"  # the reuse revoked the family
    code = get_code(client, rp, pkce, scope="openid offline_access")
    tokens = redeem(client, rp, code, pkce).json
    response = client.post("/token", headers=rp.basic, data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert response.status_code == 200 and response.json["refresh_token"]
