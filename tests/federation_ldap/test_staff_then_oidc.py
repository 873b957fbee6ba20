"""A staff member sent by a department system (an OIDC relying party) chooses the staff door,
logs in with the directory's password and comes back with a code the system redeems for an ID
token of the staff account (code flow with PKCE)."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.federation_ldap.slapd_servers import STAFF_PASSWORD

sys.path.insert(0, str(Path(__file__).parents[1] / "oidc"))

from oidc_helpers import REDIRECT, Pkce, Rp, authorize_params, query, redeem  # noqa: E402
from sqlalchemy import select  # noqa: E402

from clients.registry import register_client  # noqa: E402
from idp.accounts.models import Person  # noqa: E402
from idp.audit import SYSTEM_ACTOR, AuditEvent  # noqa: E402
from tests.federation_ldap.test_staff_login import csrf_of  # noqa: E402


def test_a_staff_member_completes_a_relying_partys_code_flow(backend, client, svc, register,
                                                              gongan):
    register(gongan)
    registered, secret = register_client(svc, {
        "client_name": "公安内网办公", "redirect_uris": [REDIRECT], "first_party": True,
        "scope": "openid profile", "grant_types": ["authorization_code"],
        "account_classes": ["staff"]}, SYSTEM_ACTOR)
    rp, pkce = Rp(registered.client_id, secret), Pkce()
    asked = client.get("/authorize", query_string=authorize_params(rp, pkce))
    login_id = query(asked)["login"]
    door = client.get(f"/login?login={login_id}&door=staff")
    html = door.get_data(as_text=True)
    assert "公安内网办公" in html and f'name="login" value="{login_id}"' in html
    done = client.post("/login/staff", data={
        "csrf_token": csrf_of(door), "login": login_id, "username": "zhangsan",
        "password": STAFF_PASSWORD, "directory": "gongan"})
    assert done.headers["Location"].startswith("/authorize/resume")
    back = client.get(done.headers["Location"])
    assert back.headers["Location"].startswith(REDIRECT)
    tokens = redeem(client, rp, query(back)["code"], pkce)
    assert tokens.status_code == 200, tokens.get_data(as_text=True)
    claims = svc.signing_keys.verify_jwt(tokens.json["id_token"], ["RS256"])
    assert claims["nonce"] == "n-1" and claims["amr"] == ["pwd"] and claims["acr"]
    info = client.get("/userinfo",
                      headers={"Authorization": f"Bearer {tokens.json['access_token']}"})
    assert info.status_code == 200 and info.json["sub"] == claims["sub"]
    with svc.db.session() as session:
        person = session.get(Person, claims["sub"])
    assert person.username == "zhangsan@gongan"
    events = [e for e in _logins(svc) if e.outcome == "success"]
    assert events[-1].client_id == rp.client_id and events[-1].detail["source"] == "gongan"


def _logins(svc):
    with svc.db.session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.type == "login")
                                    .order_by(AuditEvent.id)))
