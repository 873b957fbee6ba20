"""Issue 12's proof: a person goes from nothing to a level-2 account at a relying party asking
``acr_values=2`` with no operator command but the register import. The browser starts at the
relying party's /authorize, signs up from the login page's 注册 link (the code read from the
outbox), is told the service needs real-name verification, verifies, and comes back to the
relying party, which receives an ID token with acr "2"."""

from __future__ import annotations

from urllib.parse import urlsplit

from signup_helpers import PHONE

from clients.registry import register_client
from idp.accounts.identity_numbers import id_number_check_char
from idp.accounts.service import find_person_by_username
from idp.audit import SYSTEM_ACTOR
from tests.oidc.oidc_helpers import REDIRECT, Pkce, Rp, authorize_params, query, redeem
from tests.signup.signup_helpers import csrf_of

NAME = "王小明"
FIRST17 = "33010619900307123"
ID_NUMBER = FIRST17 + id_number_check_char(FIRST17)


def _path(response) -> str:
    parts = urlsplit(response.headers["Location"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_a_person_goes_from_nothing_to_an_acr_2_id_token_with_only_the_register_imported(
    client, svc, cli, tmp_path, sign_up
):
    register = tmp_path / "population.csv"
    register.write_text(f"id_number,name\n{ID_NUMBER},{NAME}\n")
    imported = cli("verifier", "import", "--csv", str(register))
    assert imported.exit_code == 0, imported.output
    client_, secret = register_client(svc, {
        "client_name": "公积金提取", "redirect_uris": [REDIRECT], "first_party": True,
        "scope": "openid profile", "grant_types": ["authorization_code"]}, SYSTEM_ACTOR)
    rp, pkce = Rp(client_.client_id, secret), Pkce()

    asked = client.get("/authorize", query_string=authorize_params(rp, pkce, acr_values="2"))
    login_id = query(asked)["login"]
    login_page = client.get(_path(asked)).get_data(as_text=True).replace("&amp;", "&")
    assert f"/register?login={login_id}" in login_page and "注册" in login_page

    signed_up = sign_up(PHONE, "xiaoming", login_id=login_id)
    assert urlsplit(signed_up.headers["Location"]).path == "/login/level"  # level 1 < 2
    level_page = client.get(_path(signed_up)).get_data(as_text=True).replace("&amp;", "&")
    assert "实名认证" in level_page
    assert f"/account/verify?login={login_id}" in level_page

    form = client.get(f"/account/verify?login={login_id}")
    verified = client.post("/account/verify", data={
        "csrf_token": csrf_of(form), "name": NAME, "id_number": ID_NUMBER, "login": login_id})
    assert verified.status_code == 303
    back = client.get(_path(verified))
    assert back.headers["Location"].startswith(REDIRECT)
    answer = query(back)
    assert answer["state"] == "s-1"

    tokens = redeem(client, rp, answer["code"], pkce)
    assert tokens.status_code == 200, tokens.get_data(as_text=True)
    claims = svc.signing_keys.verify_jwt(tokens.json["id_token"], ["RS256"])
    assert claims["acr"] == "2" and claims["nonce"] == "n-1"
    assert claims["sub"] == find_person_by_username(svc, "xiaoming").id
