"""A person sent by a relying party signs up from its login page and comes back to it logged
in: the OIDC code flow (PKCE) ends in an ID token for the new account at level 1."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

from signup_helpers import PHONE

from clients.registry import register_client
from idp.accounts.service import find_person_by_username
from idp.audit import SYSTEM_ACTOR

REDIRECT = "https://rp.example.gov.cn/cb"


def _query(response) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["Location"]).query).items()}


def test_a_person_signs_up_from_a_relying_partys_login_and_gets_its_code(
    client, svc, sign_up
):
    rp, secret = register_client(svc, {
        "client_name": "社保查询", "redirect_uris": [REDIRECT], "first_party": True,
        "scope": "openid profile phone", "grant_types": ["authorization_code"]}, SYSTEM_ACTOR)
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()) \
        .rstrip(b"=").decode()
    asked = client.get("/authorize", query_string={
        "response_type": "code", "client_id": rp.client_id, "redirect_uri": REDIRECT,
        "scope": "openid profile phone", "state": "s-1", "nonce": "n-1",
        "code_challenge": challenge, "code_challenge_method": "S256"})
    login_id = _query(asked)["login"]
    login_page = client.get(f"/login?login={login_id}").get_data(as_text=True)
    assert f"/register?login={login_id}" in login_page.replace("&amp;", "&")
    signup_page = client.get("/register", query_string={"login": login_id})
    assert "社保查询" in signup_page.get_data(as_text=True)

    done = sign_up(PHONE, "wangwu", login_id=login_id)
    assert done.headers["Location"].startswith("/authorize/resume")
    back = client.get(done.headers["Location"])
    assert back.headers["Location"].startswith(REDIRECT)
    answer = _query(back)
    assert answer["state"] == "s-1"

    basic = base64.b64encode(f"{rp.client_id}:{secret}".encode()).decode()
    tokens = client.post("/token", headers={"Authorization": f"Basic {basic}"}, data={
        "grant_type": "authorization_code", "code": answer["code"], "redirect_uri": REDIRECT,
        "code_verifier": verifier})
    assert tokens.status_code == 200, tokens.get_data(as_text=True)
    claims = svc.signing_keys.verify_jwt(tokens.json["id_token"], ["RS256"])
    person = find_person_by_username(svc, "wangwu")
    assert claims["sub"] == person.id and claims["nonce"] == "n-1"
    assert set(claims.get("amr", ["sms", "pwd"])) == {"sms", "pwd"}
    info = client.get("/userinfo",
                      headers={"Authorization": f"Bearer {tokens.json['access_token']}"})
    assert info.status_code == 200 and info.json["phone_number"].endswith("12345678")
    assert "name" not in info.json  # none yet: it comes with real-name verification
