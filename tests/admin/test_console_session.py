"""The console session: separate from the SSO session, and it times out."""

from __future__ import annotations

import time

from admin.roles import Role
from admin.web import session as console


def _age(client, started_ago: int, seen_ago: int) -> None:
    now = int(time.time())
    with client.session_transaction() as session:
        data = session[console.KEY]
        session[console.KEY] = {**data, "started": now - started_ago, "seen": now - seen_ago}


def test_an_idle_console_session_ends_after_fifteen_minutes(console_client):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    _age(client, 20 * 60, 14 * 60)
    assert client.get("/admin/relying-parties").status_code == 200
    _age(client, 20 * 60, 15 * 60 + 1)
    response = client.get("/admin/relying-parties")
    assert response.status_code == 303 and "/admin/login" in response.headers["Location"]


def test_a_console_session_ends_after_eight_hours_however_busy(console_client):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    _age(client, 8 * 3600 + 1, 10)
    assert client.get("/admin/api/relying-parties").status_code == 401


def test_an_sso_session_alone_does_not_open_the_console(client, services, make_admin):
    from idp.sso.session import COOKIE_NAME

    admin = make_admin(Role.SYSTEM_ADMIN)
    token, _ = services.sessions.create(account_id=admin.account_id, username=admin.username,
                                        level=3, amr=["pwd", "otp"])
    client.set_cookie(COOKIE_NAME, token)
    assert client.get("/admin/api/relying-parties").status_code == 401


def test_a_revoked_role_takes_effect_at_once(console_client, services):
    from admin.roles import revoke_role

    client, admin = console_client(Role.SYSTEM_ADMIN)
    assert client.get("/admin/keys").status_code == 200
    revoke_role(services.db, account_id=admin.account_id, role=Role.SYSTEM_ADMIN)
    assert client.get("/admin/keys").status_code == 403


def test_signing_out_ends_the_console_session(console_client):
    client, _ = console_client(Role.SYSTEM_ADMIN)
    client.post("/admin/logout", data={"csrf_token": "test-csrf-token"})
    assert client.get("/admin/api/relying-parties").status_code == 401
