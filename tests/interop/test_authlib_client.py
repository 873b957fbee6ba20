"""Authlib's OAuth2Session, as a department system would use it, against a live Yiwang:
code + PKCE through the real login form, userinfo, refresh, introspection, revocation, and the
three logouts, the tokens checked with joserfc (Authlib's JOSE library) as the RP would."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from interop_helpers import (
    FRONT_LOGOUT,
    FRONT_REDIRECT,
    PASSWORD,
    POST_LOGOUT,
    REDIRECT,
    USERNAME,
    browse,
)
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


def _sign_in(meta: dict, client_id: str, secret: str, redirect: str, browser, base: str,
             scope: str = "openid profile") -> tuple[dict, dict]:
    """(token response, verified ID token claims) of one code + PKCE flow in browser."""
    rp = OAuth2Session(client_id, secret, scope=scope, redirect_uri=redirect,
                       code_challenge_method="S256")
    verifier = generate_token(48)
    url, _ = rp.create_authorization_url(meta["authorization_endpoint"], code_verifier=verifier,
                                         nonce=generate_token(20))
    callback = browse(browser, url, base, USERNAME, PASSWORD)
    token = rp.fetch_token(meta["token_endpoint"], authorization_response=callback,
                           code_verifier=verifier)
    keys = KeySet.import_key_set(requests.get(meta["jwks_uri"], timeout=10).json())
    return token, jwt.decode(token["id_token"], keys, algorithms=["RS256"]).claims


def test_authlib_rps_share_the_session_and_one_logout_reaches_both_channels(
    live, relying_party, frontchannel_party, receiver
):
    _, base = live
    meta = requests.get(base + "/.well-known/openid-configuration", timeout=10).json()
    assert meta["backchannel_logout_supported"] and meta["frontchannel_logout_supported"]
    browser = requests.Session()
    back_token, back_id = _sign_in(meta, *relying_party, REDIRECT, browser, base)
    _, front_id = _sign_in(meta, *frontchannel_party, FRONT_REDIRECT, browser, base)
    assert front_id["sid"] == back_id["sid"]  # single sign-on: one session, no second login

    # RP-initiated logout from the back-channel RP, as its logout button would send it.
    logout = meta["end_session_endpoint"] + "?" + urlencode({
        "id_token_hint": back_token["id_token"], "post_logout_redirect_uri": POST_LOGOUT,
        "state": "bye"})
    page = browser.get(logout, allow_redirects=False, timeout=10)
    assert page.status_code == 200

    # Front channel (OIDC Front-Channel Logout §3): the page frames the other RP with iss, sid.
    frame = urlsplit(unescape(re.search(r'<iframe [^>]*src="([^"]+)"', page.text)[1]))
    assert f"{frame.scheme}://{frame.netloc}{frame.path}" == FRONT_LOGOUT
    assert parse_qs(frame.query) == {"iss": [base], "sid": [front_id["sid"]]}
    back_link = next(unescape(h) for h in re.findall(r'href="([^"]+)"', page.text)
                     if unescape(h).startswith(POST_LOGOUT))
    assert parse_qs(urlsplit(back_link).query)["state"] == ["bye"]

    # Back channel (Back-Channel Logout §2.6): validated with the JWKS, as the RP must.
    assert len(receiver.tokens) == 1
    keys = KeySet.import_key_set(requests.get(meta["jwks_uri"], timeout=10).json())
    logout_token = jwt.decode(receiver.tokens[0], keys, algorithms=["RS256"])
    assert logout_token.header["typ"] == "logout+jwt"
    claims = logout_token.claims
    jwt.JWTClaimsRegistry(iss={"essential": True, "value": base},
                          aud={"essential": True, "value": back_id["aud"]},
                          iat={"essential": True}).validate(claims)
    assert claims["sid"] == back_id["sid"] and claims["sub"] == back_id["sub"]
    assert "http://schemas.openid.net/event/backchannel-logout" in claims["events"]
    assert "nonce" not in claims

    # The session is gone for both RPs: a new authorization request asks for the password.
    again = browser.get(meta["authorization_endpoint"] + "?" + urlencode({
        "client_id": relying_party[0], "redirect_uri": REDIRECT, "response_type": "code",
        "scope": "openid", "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256"}), timeout=10)
    assert 'name="password"' in again.text
