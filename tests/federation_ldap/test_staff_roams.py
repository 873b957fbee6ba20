"""A staff member roams an OIDC and a SAML relying party on one login (issue 14): the staff
door once, then the OIDC client's code flow and the SAML SP's SSO share the session."""

from __future__ import annotations

from sqlalchemy import func, select

from idp.audit import SYSTEM_ACTOR, AuditEvent
from idp.saml.sp_metadata import import_sp
from tests.federation_ldap.test_staff_claims import (
    REDIRECT,
    Pkce,
    PySaml2Sp,
    _rp,
    _saml_response,
    _staff_logs_in,
    _tokens_and_userinfo,
)


def test_a_staff_member_logs_in_once_for_an_oidc_client_and_a_saml_sp(
        client, svc, register, gongan, tmp_path):
    register(gongan)
    rp, pkce = _rp(svc), Pkce()
    back = _staff_logs_in(client, rp, pkce)
    assert back.headers["Location"].startswith(REDIRECT)
    id_token, _ = _tokens_and_userinfo(client, svc, rp, pkce, back)

    sp = PySaml2Sp(tmp_path, client.get("/saml/metadata").get_data(as_text=True))
    import_sp(svc, sp.metadata(), SYSTEM_ACTOR, allowed_attributes=["preferred_username"],
              account_classes=["staff"])
    answer = sp.accept(_saml_response(client, sp))  # no login page in between
    assert answer.ava["uid"] == ["zhangsan@gongan"]
    assert answer.assertion.authn_statement[0].session_index == id_token["sid"]
    with svc.db.session() as session:
        logins = session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.type == "login", AuditEvent.outcome == "success"))
    assert logins == 1
