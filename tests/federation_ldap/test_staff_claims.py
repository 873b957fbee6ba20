"""Relying parties admit citizens, staff or both (citizens only unless an administrator opts
them in), and a staff account's directory data (department, employee number, groups) is
released by the same claims policy as a citizen's data: in the ID token, at userinfo and in a
SAML assertion, only when the relying party's policy allows it, never for a citizen (issue 14)."""

from __future__ import annotations

import base64
import html
import json
import re
import sys
from pathlib import Path

import pytest

from tests.federation_ldap.slapd_servers import DEPARTMENTS, STAFF_PASSWORD

sys.path.insert(0, str(Path(__file__).parents[1] / "oidc"))
sys.path.insert(0, str(Path(__file__).parents[1] / "saml"))

from oidc_helpers import ID_NUMBER, REDIRECT, Pkce, Rp, authorize_params, query, redeem  # noqa: E402
from saml_sps import PySaml2Sp  # noqa: E402

from clients.registry import register_client  # noqa: E402
from idp.accounts.service import create_person  # noqa: E402
from idp.audit import SYSTEM_ACTOR  # noqa: E402
from idp.saml.sp_metadata import import_sp  # noqa: E402
from idp.sso.session import COOKIE_NAME  # noqa: E402
from tests.federation_ldap.test_staff_login import csrf_of  # noqa: E402

SCOPE = "openid profile staff"
STAFF_CLAIMS = {"department", "employee_number", "groups"}
ID_TOKEN_ASKS = json.dumps({"id_token": dict.fromkeys(sorted(STAFF_CLAIMS))})
# pysaml2's names for the attributes' OIDs (ou, employeeNumber, isMemberOf).
SP_NAMES = {"ou": "department", "employeeNumber": "employee_number", "isMemberOf": "groups"}
ZHANGSAN = {"department": DEPARTMENTS["gongan"], "employee_number": "E001",
            "groups": ["clerks", "leaders"]}


def _rp(svc, **policy) -> Rp:
    values = {"client_name": "公安内网办公", "redirect_uris": [REDIRECT], "first_party": True,
              "scope": "openid profile staff", "grant_types": ["authorization_code"],
              "account_classes": ["person", "staff"], **policy}
    registered, secret = register_client(svc, values, SYSTEM_ACTOR)
    return Rp(registered.client_id, secret)


def _staff_logs_in(client, rp: Rp, pkce: Pkce, **extra):
    """zhangsan of gongan through the staff door, sent by rp; the redirect back to rp."""
    asked = client.get("/authorize",
                       query_string=authorize_params(rp, pkce, scope=SCOPE, **extra))
    login_id = query(asked)["login"]
    door = client.get(f"/login?login={login_id}&door=staff")
    done = client.post("/login/staff", data={
        "csrf_token": csrf_of(door), "login": login_id, "username": "zhangsan",
        "password": STAFF_PASSWORD, "directory": "gongan"})
    return client.get(done.headers["Location"])


def _tokens_and_userinfo(client, svc, rp: Rp, pkce: Pkce, back) -> tuple[dict, dict]:
    tokens = redeem(client, rp, query(back)["code"], pkce)
    assert tokens.status_code == 200, tokens.get_data(as_text=True)
    claims = svc.signing_keys.verify_jwt(tokens.json["id_token"], ["RS256"])
    info = client.get("/userinfo",
                      headers={"Authorization": f"Bearer {tokens.json['access_token']}"})
    assert info.status_code == 200
    return claims, info.json


def test_a_staff_member_at_a_client_allowed_staff_claims_receives_them(
        backend, client, svc, register, gongan):
    register(gongan)
    rp, pkce = _rp(svc), Pkce()
    # In the code flow scope claims come from userinfo (OIDC Core §5.4); the ID token carries
    # them when the claims parameter asks for them there (§5.5).
    back = _staff_logs_in(client, rp, pkce, claims=ID_TOKEN_ASKS)
    claims, info = _tokens_and_userinfo(client, svc, rp, pkce, back)
    assert {k: info[k] for k in STAFF_CLAIMS} == ZHANGSAN
    assert {k: claims[k] for k in STAFF_CLAIMS} == ZHANGSAN


def test_a_staff_member_at_a_client_not_allowed_staff_claims_receives_none(
        client, svc, register, gongan):
    register(gongan)
    rp, pkce = _rp(svc, allowed_claims=["name", "preferred_username"]), Pkce()
    back = _staff_logs_in(client, rp, pkce, claims=ID_TOKEN_ASKS)
    claims, info = _tokens_and_userinfo(client, svc, rp, pkce, back)
    assert not STAFF_CLAIMS & (set(claims) | set(info))
    assert info["preferred_username"] == "zhangsan@gongan"


def test_a_citizen_never_receives_staff_claims(client, svc):
    citizen = create_person(svc, SYSTEM_ACTOR, username="wangwu", password="Correct-horse-9",
                            name="王五", id_number=ID_NUMBER, phone="13800138000",
                            assurance_level=2)
    token, _ = svc.sessions.create(account_id=citizen.id, username=citizen.username, level=2,
                                   amr=["pwd"])
    client.set_cookie(COOKIE_NAME, token)
    rp, pkce = _rp(svc), Pkce()
    back = client.get("/authorize", query_string=authorize_params(
        rp, pkce, scope=SCOPE, claims=ID_TOKEN_ASKS))
    claims, info = _tokens_and_userinfo(client, svc, rp, pkce, back)
    assert not STAFF_CLAIMS & (set(claims) | set(info))
    assert info["name"] == "王五"


@pytest.mark.parametrize(("allowed", "expected"), [
    (["preferred_username", *sorted(STAFF_CLAIMS)], ZHANGSAN),
    (["preferred_username"], {}),
])
def test_a_saml_sp_receives_staff_attributes_only_when_allowed(
        client, svc, register, gongan, tmp_path, allowed, expected):
    register(gongan)
    rp, pkce = _rp(svc), Pkce()
    _staff_logs_in(client, rp, pkce)
    sp = PySaml2Sp(tmp_path, client.get("/saml/metadata").get_data(as_text=True))
    import_sp(svc, sp.metadata(), SYSTEM_ACTOR, allowed_attributes=allowed,
              account_classes=["staff"])
    ava = sp.accept(_saml_response(client, sp)).ava
    got = {claim: ava[name] for name, claim in SP_NAMES.items() if name in ava}
    assert got == {k: v if isinstance(v, list) else [v] for k, v in expected.items()}
    assert ava["uid"] == ["zhangsan@gongan"]


def test_a_citizens_only_client_refuses_a_staff_member_with_access_denied(
        client, svc, register, gongan):
    register(gongan)
    rp, pkce = _rp(svc, account_classes=["person"]), Pkce()
    back = _staff_logs_in(client, rp, pkce)
    assert back.headers["Location"].startswith(REDIRECT)
    answer = query(back)
    assert answer["error"] == "access_denied" and "code" not in answer
    assert "does not admit" in answer["error_description"] and answer["state"] == "s-1"


def test_a_citizens_only_saml_sp_refuses_a_staff_member_with_request_denied(
        client, svc, register, gongan, tmp_path):
    register(gongan)
    rp, pkce = _rp(svc), Pkce()
    _staff_logs_in(client, rp, pkce)
    sp = PySaml2Sp(tmp_path, client.get("/saml/metadata").get_data(as_text=True))
    import_sp(svc, sp.metadata(), SYSTEM_ACTOR, allowed_attributes=["preferred_username"])
    xml = base64.b64decode(_saml_response(client, sp)).decode()
    assert "urn:oasis:names:tc:SAML:2.0:status:RequestDenied" in xml
    assert "does not admit" in xml and "zhangsan" not in xml


def test_clients_admit_citizens_only_unless_told_otherwise(svc):
    assert register_client(svc, {"client_name": "社保查询", "redirect_uris": [REDIRECT]},
                           SYSTEM_ACTOR)[0].account_classes == ["person"]


def _saml_response(client, sp: PySaml2Sp) -> str:
    """The SAMLResponse the IdP posts back for an SSO request of sp (HTTP-Redirect binding)."""
    url = sp.login_url()
    page = client.get(url[url.index("/saml/"):])
    assert page.status_code == 200, page.get_data(as_text=True)[:300]
    field = re.search(r'name="SAMLResponse" value="([^"]+)"', page.get_data(as_text=True))[1]
    return html.unescape(field)


@pytest.mark.parametrize(("options", "expected"), [
    ([], ["person"]),
    (["--account-class", "staff"], ["staff"]),
    (["--account-class", "staff", "--account-class", "person"], ["person", "staff"]),
])
def test_the_cli_registers_which_accounts_a_client_admits(cli, app, options, expected):
    added = cli("clients", "add", "--name", "公安内网办公", "--redirect-uri", REDIRECT,
                "--json", *options)
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["account_classes"] == expected
