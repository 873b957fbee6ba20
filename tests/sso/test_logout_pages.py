"""The portal's logout: a confirmation page for links, and a "logged out" page that signs the
person out of front-channel SAML service providers too."""

from __future__ import annotations

import base64
import html
import re
import time
import zlib
from urllib.parse import parse_qs, unquote_plus, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree

from clients.registry import register_client
from idp.audit import SYSTEM_ACTOR
from idp.saml.sp_metadata import import_sp

SP = "https://bdc.example.gov.cn/sp"
SLO = "https://bdc.example.gov.cn/slo"
# Only an HTTP-Redirect SingleLogoutService: no SOAP endpoint, so only the browser can tell it.
METADATA = f"""<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    entityID="{SP}">
  <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"
      AuthnRequestsSigned="false" WantAssertionsSigned="true">
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="{SLO}"/>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
        Location="https://bdc.example.gov.cn/acs" index="0"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>""".encode()


def _saml_sign_in(client, svc) -> None:
    """An unsigned AuthnRequest over HTTP-Redirect, answered from the live SSO session."""
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    request = (
        '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1b2c3d4e5f6" Version="2.0" '
        f'IssueInstant="{now}" Destination="{svc.settings.issuer}/saml/sso" '
        'AssertionConsumerServiceURL="https://bdc.example.gov.cn/acs" '
        'ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">'
        f"<saml:Issuer>{SP}</saml:Issuer></samlp:AuthnRequest>"
    )
    deflated = zlib.compressobj(wbits=-15)
    raw = deflated.compress(request.encode()) + deflated.flush()
    answer = client.get("/saml/sso", query_string={"SAMLRequest": base64.b64encode(raw)})
    assert answer.status_code == 200 and "SAMLResponse" in answer.get_data(as_text=True)


def test_logging_out_loads_a_signed_logout_request_for_a_front_channel_saml_sp(
    backend, client, person, login, csrf, svc, sso_token
):
    import_sp(svc, METADATA, SYSTEM_ACTOR, name="不动产登记",
                              allowed_attributes=["name"])
    person("alice")
    login("alice")
    sid = svc.sessions.load(sso_token()).sid
    _saml_sign_in(client, svc)
    answer = client.post("/logout", data={"csrf_token": csrf(client.get("/account"))})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "已安全退出" in page
    assert "不动产登记" in page  # the visible list of sites being signed out
    (frame,) = [html.unescape(u) for u in re.findall(r'<iframe src="([^"]+)"', page)]
    assert frame.startswith(SLO + "?SAMLRequest=")
    policy = answer.headers["Content-Security-Policy"]
    assert "frame-src 'self' https://bdc.example.gov.cn;" in policy
    assert "frame-ancestors 'none'" in policy
    # A LogoutRequest for this session, signed with our key over the query (Bindings §3.4.4.1).
    query = urlsplit(frame).query
    params = {k: v[0] for k, v in parse_qs(query).items()}
    signed = query.split("&Signature=")[0].encode()
    cert = x509.load_pem_x509_certificate(svc.signing_keys.saml_certificates()[0].encode())
    cert.public_key().verify(base64.b64decode(unquote_plus(query.split("&Signature=")[1])),
                             signed, padding.PKCS1v15(), hashes.SHA256())
    xml = etree.fromstring(zlib.decompress(base64.b64decode(params["SAMLRequest"]), -15))
    assert xml.tag == "{urn:oasis:names:tc:SAML:2.0:protocol}LogoutRequest"
    index = xml.find("{urn:oasis:names:tc:SAML:2.0:protocol}SessionIndex")
    assert index.text == sid
    assert sso_token() is None and svc.sessions.by_sid(sid) is None


def test_a_logout_link_only_asks_and_the_form_posts_with_a_csrf_token(
    backend, client, person, login, svc, sso_token
):
    person("alice")
    login("alice")
    page = client.get("/logout")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "确认退出" in text
    assert 'method="post"' in text and 'name="csrf_token"' in text
    assert svc.sessions.load(sso_token()) is not None  # a GET ends nothing
    assert client.post("/logout").status_code == 400  # nor a POST without the token
    assert svc.sessions.load(sso_token()) is not None


def test_logging_out_without_sites_shows_the_page_without_frames(
    client, person, login, csrf
):
    person("alice")
    login("alice")
    answer = client.post("/logout", data={"csrf_token": csrf(client.get("/logout"))})
    page = answer.get_data(as_text=True)
    assert "已安全退出" in page and "<iframe" not in page
    assert "frame-src" not in answer.headers["Content-Security-Policy"]


def test_logging_out_also_loads_the_front_channel_logout_uri_of_an_oidc_client(
    client, person, login, csrf, svc, sso_token
):
    rp, _ = register_client(svc, {
        "client_name": "社保查询", "redirect_uris": ["https://rp.example.gov.cn/cb"],
        "scope": "openid", "frontchannel_logout_uri": "https://rp.example.gov.cn/fc",
        "frontchannel_logout_session_required": True}, SYSTEM_ACTOR)
    person("alice")
    login("alice")
    sid = svc.sessions.load(sso_token()).sid
    svc.sessions.add_participant(sso_token(), f"oidc:{rp.client_id}", {"name": "社保查询"})
    answer = client.post("/logout", data={"csrf_token": csrf(client.get("/account"))})
    page = answer.get_data(as_text=True)
    assert "社保查询" in page
    (frame,) = [html.unescape(u) for u in re.findall(r'<iframe src="([^"]+)"', page)]
    assert frame.startswith("https://rp.example.gov.cn/fc?")
    assert parse_qs(urlsplit(frame).query)["sid"] == [sid]
    policy = answer.headers["Content-Security-Policy"]
    assert "frame-src 'self' https://rp.example.gov.cn;" in policy
