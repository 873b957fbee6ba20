"""Every refusal of the SAML checklist: an error-status Response to a known ACS, or an error
page when there is no trustworthy place to answer — never an assertion, never a 500."""

from __future__ import annotations

import base64
import re
import zlib
from urllib.parse import quote, urlencode

import pytest
from saml2.xmldsig import SIG_RSA_SHA1
from saml_helpers import form_of, status_seen_by
from saml_sps import PySaml2Sp


@pytest.fixture
def sp(pysaml2_sp, signed_in):
    signed_in()
    return pysaml2_sp()


@pytest.fixture
def sso(idp) -> str:
    return idp[1] + "/saml/sso"


def redirect_query(xml: bytes) -> str:
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = deflater.compress(xml) + deflater.flush()
    return "/saml/sso?" + urlencode({"SAMLRequest": base64.b64encode(data).decode()})


def assert_error_page(page, words: str) -> None:
    assert page.status_code in (400, 413), page.status_code
    assert words in page.text
    assert 'id="saml-post"' not in page.text


def test_an_unknown_sp_gets_an_error_page_and_no_post(sp, browser, sso, events):
    _, xml = sp.request_xml(sso)
    xml = xml.replace(sp.entity_id, "http://stranger.test/metadata")
    assert_error_page(browser.get(redirect_query(xml.encode())), "unknown service provider")
    assert events("saml.assertion")[-1].outcome == "failure"


def test_an_acs_url_not_in_the_metadata_gets_an_error_page(sp, browser, events):
    url = sp.login_url(assertion_consumer_service_url="http://evil.test/acs")
    assert_error_page(browser.get(url), "assertion consumer service not in the SP")
    refused = events("saml.assertion")[-1]
    assert (refused.outcome, refused.client_id) == ("failure", sp.entity_id)
    assert refused.detail["reason"] == "BadEndpoint"


def test_an_acs_url_differing_only_in_case_or_slash_is_refused(sp, browser):
    for almost in (sp.acs.upper(), sp.acs + "/"):
        assert_error_page(browser.get(sp.login_url(assertion_consumer_service_url=almost)),
                          "assertion consumer service")


def test_a_missing_signature_is_refused_when_the_sp_signs_its_requests(sp, browser, sso):
    _, xml = sp.request_xml(sso)
    action, fields = form_of(browser.get(sp.redirect_for(xml, sso, sigalg=None)))
    assert action == sp.acs
    assert status_seen_by(sp, fields) == "StatusRequestDenied"


def test_a_tampered_redirect_signature_is_refused(sp, browser, sso):
    url = sp.login_url()
    signature = re.search(r"Signature=([^&]+)", url).group(1)
    forged = url.replace(signature, quote(base64.b64encode(b"\x01" * 256).decode()))
    assert status_seen_by(sp, form_of(browser.get(forged))[1]) == "StatusRequestDenied"


def test_a_sha1_signature_is_refused(sp, browser, sso):
    _, xml = sp.request_xml(sso)
    page = browser.get(sp.redirect_for(xml, sso, sigalg=SIG_RSA_SHA1))
    assert status_seen_by(sp, form_of(page)[1]) == "StatusRequestDenied"


def test_a_signature_by_a_key_not_in_the_metadata_is_refused(sp, browser, sso, tmp_path,
                                                              idp_metadata):
    (tmp_path / "impostor").mkdir()
    impostor = PySaml2Sp(tmp_path / "impostor", idp_metadata, "http://sp-a.test",
                         key_name="impostor")
    fields = impostor.login_post(sso)
    sp.outstanding.update(impostor.outstanding)
    assert status_seen_by(sp, form_of(browser.post("/saml/sso", fields))[1]) == \
        "StatusRequestDenied"


def test_a_wrapped_signed_request_is_refused(sp, browser, sso):
    signed = sp.signed_xml(sso)
    request_id = re.search(r' ID="([^"]+)"', signed).group(1)
    inner = re.sub(r"^<\?xml[^>]*>", "", signed)
    issued = re.search(r'IssueInstant="([^"]+)"', signed).group(1)
    # The signed request hidden in Extensions of an evil one with the same ID (XSW).
    evil = (f'<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
            f'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{request_id}" '
            f'Version="2.0" IssueInstant="{issued}" '
            f'Destination="{sso}" AssertionConsumerServiceURL="{sp.acs}">'
            f"<saml:Issuer>{sp.entity_id}</saml:Issuer>"
            f"<samlp:Extensions>{inner}</samlp:Extensions></samlp:AuthnRequest>")
    page = browser.post("/saml/sso", {"SAMLRequest": base64.b64encode(evil.encode()).decode()})
    assert status_seen_by(sp, form_of(page)[1]) == "StatusRequestDenied"


def test_a_replayed_request_id_is_refused(sp, browser):
    url = sp.login_url()
    assert status_seen_by(sp, form_of(browser.get(url))[1]) == "Success"
    assert status_seen_by(sp, form_of(browser.get(url))[1]) == "StatusRequestDenied"


def test_an_expired_issue_instant_is_refused(sp, browser, sso):
    _, xml = sp.request_xml(sso)
    old = re.sub(r'IssueInstant="[^"]+"', 'IssueInstant="2020-01-01T00:00:00Z"', xml)
    assert status_seen_by(sp, form_of(browser.get(sp.redirect_for(old, sso)))[1]) == \
        "StatusRequestDenied"


def test_a_request_for_another_destination_is_refused(sp, browser, sso):
    _, xml = sp.request_xml(sso)
    other = xml.replace(f'Destination="{sso}"', 'Destination="http://other-idp.test/sso"')
    assert status_seen_by(sp, form_of(browser.get(sp.redirect_for(other, sso)))[1]) == \
        "StatusRequestDenied"


def test_a_relay_state_over_80_bytes_is_refused_and_not_echoed(sp, browser, sso):
    _, xml = sp.request_xml(sso)
    _, fields = form_of(browser.get(sp.redirect_for(xml, sso, relay_state="r" * 81)))
    assert "RelayState" not in fields
    assert status_seen_by(sp, fields) == "StatusRequestDenied"


def test_a_saml_1_version_is_answered_with_version_mismatch(sp, browser, sso):
    _, xml = sp.request_xml(sso)
    old = xml.replace('Version="2.0"', 'Version="1.1"')
    _, fields = form_of(browser.get(sp.redirect_for(old, sso)))
    answer = base64.b64decode(fields["SAMLResponse"]).decode()
    assert 'StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:VersionMismatch"' in answer
    assert "Assertion" not in answer


@pytest.mark.parametrize(("xml", "reason"), [
    (b"<samlp:AuthnRequest xmlns:samlp='urn:oasis:names:tc:SAML:2.0:protocol'",
     "message is not well-formed XML"),
    (b"not xml at all", "message is not well-formed XML"),
    (b"<a>" * 40 + b"</a>" * 40, "message nested too deeply"),
], ids=["unclosed", "not-xml", "too-deep"])
def test_malformed_xml_gets_an_error_page_that_says_the_request_was_not_accepted(
        browser, xml, reason):
    page = browser.get(redirect_query(xml))
    assert_error_page(page, "无法受理该应用发来的登录或退出请求。")
    assert f"<code>{reason}</code>" in page.text  # shown as the page's error code


@pytest.mark.parametrize("doctype", [
    b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    b'<!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd">',
])
def test_dtds_and_external_entities_are_refused(browser, sp, doctype):
    xml = doctype + (f'<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
                     f'ID="_x" Version="2.0"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:'
                     f'2.0:assertion">{sp.entity_id}</saml:Issuer></samlp:AuthnRequest>').encode()
    page = browser.get(redirect_query(xml))
    assert_error_page(page, "DTD")
    assert "root:" not in page.text


def test_a_deflate_bomb_is_refused_before_it_inflates(browser):
    bomb = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = bomb.compress(b"<a>" + b" " * (8 * 1024 * 1024)) + bomb.flush()
    query = "/saml/sso?" + urlencode({"SAMLRequest": base64.b64encode(data).decode()})
    assert_error_page(browser.get(query), "too large")


def test_an_oversized_post_is_refused(browser):
    page = browser.post("/saml/sso", {"SAMLRequest": "A" * (2 * 1024 * 1024)})
    assert page.status_code == 413


@pytest.mark.parametrize("query", [
    "", "SAMLRequest=", "SAMLRequest=%%%", "SAMLRequest=bm90LWRlZmxhdGU=",
    "SAMLRequest=a&SAMLRequest=b", "SAMLRequest=a&Signature=b",
])
def test_garbage_in_the_query_gets_an_error_page_never_a_500(browser, query):
    page = browser.get("/saml/sso?" + query)
    assert page.status_code == 400


def test_an_enveloped_sha1_signature_is_refused(sp, browser, sso):
    from saml2.xmldsig import DIGEST_SHA1

    request_id, request = sp.client.create_authn_request(
        sso, sign=True, sign_alg=SIG_RSA_SHA1, digest_alg=DIGEST_SHA1)
    sp.outstanding[request_id] = "/"
    fields = {"SAMLRequest": base64.b64encode(str(request).encode()).decode()}
    assert status_seen_by(sp, form_of(browser.post("/saml/sso", fields))[1]) == \
        "StatusRequestDenied"


def test_an_hmac_signature_is_refused(sp, browser, sso):
    from lxml import etree
    from signxml import XMLSigner

    _, xml = sp.request_xml(sso)
    root = etree.fromstring(xml.encode())
    signed = XMLSigner(signature_algorithm="hmac-sha256", digest_algorithm="sha256",
                       c14n_algorithm="http://www.w3.org/2001/10/xml-exc-c14n#").sign(
        root, key=b"k" * 32, reference_uri="#" + root.get("ID"))
    fields = {"SAMLRequest": base64.b64encode(etree.tostring(signed)).decode()}
    assert status_seen_by(sp, form_of(browser.post("/saml/sso", fields))[1]) == \
        "StatusRequestDenied"


def test_an_unsupported_nameid_format_is_answered_invalid_nameid_policy(sp, browser):
    email = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    assert status_seen_by(sp, form_of(browser.get(sp.login_url(nameid_format=email)))[1]) == \
        "StatusInvalidNameidPolicy"


@pytest.mark.parametrize("query", [
    "", "SAMLRequest=%%%", "SAMLResponse=bm90LWRlZmxhdGU=", "SAMLRequest=a&SigAlg=x&Signature=y",
])
def test_garbage_at_the_logout_endpoint_gets_an_error_page_never_a_500(browser, query):
    page = browser.get("/saml/slo?" + query)
    assert page.status_code == 400


def test_a_logout_request_from_an_unknown_sp_gets_an_error_page(browser):
    xml = (b'<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
           b'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_1" Version="2.0">'
           b"<saml:Issuer>http://stranger.test/metadata</saml:Issuer></samlp:LogoutRequest>")
    page = browser.get(redirect_query(xml).replace("/saml/sso", "/saml/slo"))
    assert_error_page(page, "unknown service provider")


def test_a_request_with_two_issuers_gets_an_error_page(sp, browser, sso):
    _, xml = sp.request_xml(sso)
    issuer = re.search(r"<(\w+):Issuer[^>]*>[^<]*</\1:Issuer>", xml).group(0)
    twice = xml.replace(issuer, issuer + issuer)
    assert_error_page(browser.get(sp.redirect_for(twice, sso)), "more than once")
