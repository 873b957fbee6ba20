"""Authlib's OAuth2Session, as a department system would use it, against a live Yiwang:
code + PKCE through the real login form, userinfo, refresh, introspection, revocation."""

from __future__ import annotations

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from conftest import PASSWORD, REDIRECT, USERNAME
from interop_helpers import browse
from joserfc import jwt
from joserfc.jwk import KeySet


def test_authlib_client_completes_code_pkce_userinfo_refresh_introspection_revocation(
    live, relying_party
):
    services, base = live
    client_id, secret = relying_party
    meta = requests.get(base + "/.well-known/openid-configuration", timeout=10).json()
    rp = OAuth2Session(client_id, secret, scope="openid profile offline_access",
                       redirect_uri=REDIRECT, code_challenge_method="S256")
    verifier, nonce = generate_token(48), generate_token(20)
    url, state = rp.create_authorization_url(meta["authorization_endpoint"],
                                             code_verifier=verifier, nonce=nonce)
    callback = browse(requests.Session(), url, base, USERNAME, PASSWORD)
    assert f"iss={requests.utils.quote(base, safe='')}" in callback

    token = rp.fetch_token(meta["token_endpoint"], authorization_response=callback,
                           code_verifier=verifier)
    keys = KeySet.import_key_set(requests.get(meta["jwks_uri"], timeout=10).json())
    id_token = jwt.decode(token["id_token"], keys, algorithms=["RS256"]).claims
    assert id_token["iss"] == base and id_token["aud"] == client_id
    assert id_token["nonce"] == nonce and id_token["acr"] == "2"

    info = rp.get(meta["userinfo_endpoint"]).json()
    assert info["sub"] == id_token["sub"] and info["name"] == "王五"

    refreshed = rp.refresh_token(meta["token_endpoint"])
    assert refreshed["refresh_token"] != token["refresh_token"]

    introspected = rp.introspect_token(meta["introspection_endpoint"],
                                       token=refreshed["access_token"]).json()
    assert introspected["active"] is True and introspected["client_id"] == client_id

    assert rp.revoke_token(meta["revocation_endpoint"],
                           token=refreshed["access_token"]).status_code == 200
    after = rp.introspect_token(meta["introspection_endpoint"],
                                token=refreshed["access_token"]).json()
    assert after == {"active": False}
