"""One SSO session for OIDC and SAML relying parties: log in once, log out everywhere."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from urllib.parse import urlencode

from saml_helpers import form_of, query_of

from clients.registry import register_client
from idp.audit import SYSTEM_ACTOR

REDIRECT = "https://rp.example.gov.cn/cb"


def _claims(jwt: str) -> dict:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def oidc_login(browser, svc, back_channel_uri: str | None = None) -> dict:
    """The OIDC code flow through the login page; returns the ID token's claims and the raw
    token (as "raw")."""
    values = {"client_name": "社保查询", "redirect_uris": [REDIRECT], "first_party": True,
              "scope": "openid profile"}
    if back_channel_uri:
        values["backchannel_logout_uri"] = back_channel_uri
    client, secret = register_client(svc, values, SYSTEM_ACTOR)
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    query = {"response_type": "code", "client_id": client.client_id, "redirect_uri": REDIRECT,
             "scope": "openid profile", "state": "s", "nonce": "n",
             "code_challenge": challenge.rstrip(b"=").decode(), "code_challenge_method": "S256"}
    page = browser.get("/authorize?" + urlencode(query))
    back = browser.login(page)
    assert back.is_redirect and back.headers["Location"].startswith(REDIRECT), back.text[:300]
    code = query_of(back.headers["Location"])["code"]
    tokens = browser.http.post(browser.base + "/token", timeout=10, auth=(client.client_id, secret),
                               data={"grant_type": "authorization_code", "code": code,
                                     "redirect_uri": REDIRECT, "code_verifier": verifier}).json()
    return _claims(tokens["id_token"]) | {"raw": tokens["id_token"]}


def test_a_person_logged_in_through_oidc_opens_a_saml_sp_without_a_second_login(
        pysaml2_sp, browser, person, svc):
    person("alice")
    id_token = oidc_login(browser, svc)
    sp = pysaml2_sp()
    page = browser.get(sp.login_url())
    assert "/login" not in page.url
    answer = sp.accept(form_of(page)[1]["SAMLResponse"])
    assert answer.assertion.authn_statement[0].session_index == id_token["sid"]


def test_an_oidc_logout_logs_the_person_out_of_a_saml_sp_over_soap(
        pysaml2_sp, browser, person, svc, back_channel, events):
    person("alice")
    id_token = oidc_login(browser, svc)
    channel = back_channel()
    sp = pysaml2_sp(soap_slo=channel.url)
    channel.sp = sp
    answer = sp.accept(form_of(browser.get(sp.login_url()))[1]["SAMLResponse"])
    browser.get("/session/end?" + urlencode({"id_token_hint": id_token["raw"]}))
    (request,) = channel.received
    assert request.name_id.text == answer.name_id.text
    assert [i.text for i in request.session_index] == [id_token["sid"]]
    assert request.signature is not None
    assert any(e.client_id == sp.entity_id and e.outcome == "success"
               for e in events("logout"))


def test_a_saml_logout_logs_the_person_out_of_oidc_clients_through_the_back_channel(
        pysaml2_sp, browser, person, svc, back_channel):
    from saml2 import BINDING_HTTP_REDIRECT

    person("alice")
    channel = back_channel()
    id_token = oidc_login(browser, svc, back_channel_uri=channel.url)
    sp = pysaml2_sp()
    answer = sp.accept(form_of(browser.get(sp.login_url()))[1]["SAMLResponse"])
    (_, http_args), = sp.client.global_logout(answer.name_id).values()
    done = browser.get(dict(http_args["headers"])["Location"])
    assert done.is_redirect and done.headers["Location"].startswith(sp.slo)
    response = sp.client.parse_logout_request_response(
        query_of(done.headers["Location"])["SAMLResponse"], BINDING_HTTP_REDIRECT)
    assert response.status_ok()
    (logout_token,) = channel.received
    assert _claims(logout_token)["sid"] == id_token["sid"]


def test_the_portal_logout_offers_iframes_for_front_channel_saml_sps(
        pysaml2_sp, browser, signed_in, svc):
    from idp.saml.logout_listener import frontchannel_urls

    session = signed_in()
    sp = pysaml2_sp()
    sp.accept(form_of(browser.get(sp.login_url()))[1]["SAMLResponse"])
    session = svc.sessions.by_sid(session.sid)
    (url,) = frontchannel_urls(svc, session)
    assert url.startswith(sp.slo + "?SAMLRequest=")
    request = sp.client.parse_logout_request(
        query_of(url)["SAMLRequest"], "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect")
    assert [i.text for i in request.message.session_index] == [session.sid]


def test_signing_out_of_one_sp_on_the_account_page_tells_that_sp_only(
        pysaml2_sp, browser, signed_in, svc, back_channel):
    session = signed_in()
    channel = back_channel()
    sp = pysaml2_sp(soap_slo=channel.url)
    channel.sp = sp
    answer = sp.accept(form_of(browser.get(sp.login_url()))[1]["SAMLResponse"])
    token = browser.http.cookies.get("yiwang_sso")
    assert svc.sessions.revoke_participant(token, f"saml:{sp.entity_id}")
    (request,) = channel.received
    assert request.name_id.text == answer.name_id.text
    assert svc.sessions.by_sid(session.sid) is not None
