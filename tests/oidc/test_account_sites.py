"""Revoking one OIDC site on "my account" ends that site's tokens and its session there."""

from __future__ import annotations

from oidc_helpers import get_code, redeem


def _csrf(html: str) -> str:
    return html.split('name="csrf_token" value="')[1].split('"')[0]


def test_revoking_an_oidc_site_on_my_account_ends_its_refresh_tokens_and_tells_the_site(
    client, svc, make_client, pkce, person, login, receiver
):
    uri, received = receiver
    rp = make_client(client_name="公积金查询", backchannel_logout_uri=uri,
                     grant_types=["authorization_code", "refresh_token"],
                     scope="openid profile offline_access")
    token, session = login(person)
    tokens = redeem(client, rp, get_code(client, rp, pkce, scope="openid offline_access"),
                    pkce).json
    page = client.get("/account").get_data(as_text=True)
    assert "公积金查询" in page and f'value="oidc:{rp.client_id}"' in page

    response = client.post("/account/sites/revoke",
                           data={"csrf_token": _csrf(page), "site": f"oidc:{rp.client_id}"})

    assert response.status_code == 303
    refreshed = client.post("/token", headers=rp.basic, data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert refreshed.json["error"] == "invalid_grant"
    assert len(received) == 1
    claims = svc.signing_keys.verify_jwt(received[0], ["RS256"])
    assert claims["aud"] == rp.client_id and claims["sid"] == session.sid
    # Only that site: the person stays signed in here and the site is gone from the list.
    assert svc.sessions.load(token) is not None
    assert f"oidc:{rp.client_id}" not in client.get("/account").get_data(as_text=True)


def test_revoking_one_site_leaves_the_other_sites_tokens_alone(
    client, svc, make_client, pkce, person, login
):
    kept, gone = (make_client(client_name=name, scope="openid offline_access",
                              grant_types=["authorization_code", "refresh_token"])
                  for name in ("医保", "社保"))
    login(person)
    kept_refresh, gone_refresh = (
        redeem(client, rp, get_code(client, rp, pkce, scope="openid offline_access"),
               pkce).json["refresh_token"] for rp in (kept, gone))
    page = client.get("/account").get_data(as_text=True)
    client.post("/account/sites/revoke",
                data={"csrf_token": _csrf(page), "site": f"oidc:{gone.client_id}"})
    ok = client.post("/token", headers=kept.basic, data={
        "grant_type": "refresh_token", "refresh_token": kept_refresh})
    assert ok.status_code == 200
    refused = client.post("/token", headers=gone.basic, data={
        "grant_type": "refresh_token", "refresh_token": gone_refresh})
    assert refused.json["error"] == "invalid_grant"
