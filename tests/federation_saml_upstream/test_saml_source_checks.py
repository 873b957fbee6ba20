"""The SAML source's checks on what comes back to the callback, against an upstream made here:
its metadata and signing key are the test's, so each rule can be broken alone. Whatever the
upstream got wrong, the person is refused (``SourceRefused``) and no identity comes out."""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from lxml import etree

from federation.contract import SourceRefused
from federation.saml.source import SamlSource
from idp.saml.signatures import Signer
from tests.saml.saml_certs import key_pair, pem_body

UPSTREAM = "https://idp.other-province.example/saml/metadata"
SSO = "https://idp.other-province.example/saml/sso"
ISSUER = "http://127.0.0.1:8000"
SP = f"{ISSUER}/federation/prov/metadata"
ACS = f"{ISSUER}/federation/prov/callback"
ID_CARD = "urn:oid:1.3.6.1.4.1.25178.1.2.15"

# pysaml2 leaves its xmlsec1 temporary .pem files for the garbage collector to close.
pytestmark = [pytest.mark.filterwarnings("ignore:unclosed file:ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]



def metadata(cert_body: str) -> str:
    return f"""<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
 xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{UPSTREAM}">
 <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
  <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert_body}
  </ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
  <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
   Location="{SSO}"/>
 </md:IDPSSODescriptor></md:EntityDescriptor>"""


def instant(delta: float = 0) -> str:
    return (datetime.now(UTC) + timedelta(seconds=delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


class Upstream:
    """Another province's IdP: its signing key, and Responses built as the test says."""

    def __init__(self, folder: Path, key_name: str = "other-province") -> None:
        key_file, cert_file = key_pair(folder, key_name)
        self.signer = Signer(load_pem_private_key(key_file.read_bytes(), None),
                             cert_file.read_text())
        self.metadata = metadata(pem_body(cert_file))

    def response(self, in_response_to: str, *, audience: str = SP, issuer: str = UPSTREAM,
                 not_on_or_after: float = 300, sign: bool = True, id_number: str =
                 "11010519491231002X", assertion_id: str | None = None) -> str:
        assertion_id = assertion_id or "_a" + secrets.token_hex(16)
        assertion = etree.fromstring(f"""<saml:Assertion
 xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{assertion_id}" Version="2.0"
 IssueInstant="{instant()}"><saml:Issuer>{issuer}</saml:Issuer>
 <saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
  >person-7</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"
  ><saml:SubjectConfirmationData InResponseTo="{in_response_to}" Recipient="{ACS}"
  NotOnOrAfter="{instant(not_on_or_after)}"/></saml:SubjectConfirmation></saml:Subject>
 <saml:Conditions NotBefore="{instant(-60)}" NotOnOrAfter="{instant(not_on_or_after)}">
  <saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction>
 </saml:Conditions>
 <saml:AuthnStatement AuthnInstant="{instant()}" SessionIndex="s-1"><saml:AuthnContext>
  <saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password
  </saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>
 <saml:AttributeStatement>
  <saml:Attribute Name="{ID_CARD}" FriendlyName="id_card"
   NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"><saml:AttributeValue
   >{id_number}</saml:AttributeValue></saml:Attribute>
  <saml:Attribute Name="urn:oid:2.16.840.1.113730.3.1.241" FriendlyName="name"
   NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"><saml:AttributeValue
   >王五</saml:AttributeValue></saml:Attribute>
 </saml:AttributeStatement></saml:Assertion>""".encode())
        if sign:
            assertion = self.signer.sign(assertion)
        response = etree.fromstring(f"""<samlp:Response
 xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
 xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r{secrets.token_hex(16)}"
 Version="2.0" IssueInstant="{instant()}" Destination="{ACS}" InResponseTo="{in_response_to}"
 ><saml:Issuer>{issuer}</saml:Issuer><samlp:Status><samlp:StatusCode
 Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:Response>""".encode())
        response.append(assertion)
        return base64.b64encode(etree.tostring(response)).decode()


@pytest.fixture
def upstream(tmp_path) -> Upstream:
    return Upstream(tmp_path)


@pytest.fixture
def source(svc, upstream) -> SamlSource:
    return SamlSource("prov", {
        "metadata": upstream.metadata, "level": 2, "link_by": "id_number",
        "mapping": {"id_number": ID_CARD, "name": "name"},
        "signing": svc.signing_keys.saml_signing, "issuer": ISSUER, "store": svc.store})


def started(source: SamlSource) -> dict[str, str]:
    redirect = source.start(callback_url=ACS)
    query = parse_qs(urlsplit(redirect.url).query)
    # A signed AuthnRequest (HTTP-Redirect) carrying our single-use RelayState.
    assert redirect.url.startswith(SSO) and query["SigAlg"] and query["Signature"]
    assert query["RelayState"] == [redirect.keep["state"]]
    return dict(redirect.keep)


def finish(source: SamlSource, kept: dict[str, str], saml_response: str):
    return source.finish(callback_url=ACS, params={"SAMLResponse": saml_response,
                                                   "RelayState": kept["state"]}, kept=kept)


def test_a_signed_answer_to_our_request_gives_the_mapped_identity(source, upstream):
    kept = started(source)
    identity = finish(source, kept, upstream.response(kept["request_id"]))
    assert identity.subject == f"{UPSTREAM}#person-7"
    assert identity.attributes["id_number"] == "11010519491231002X"
    assert identity.attributes["name"] == "王五"
    assert identity.level == 2


def test_the_same_assertion_is_accepted_once(backend, source, upstream):
    # On SQLite and PostgreSQL (the SQL Store's replay cache).
    kept = started(source)
    answer = upstream.response(kept["request_id"], assertion_id="_once")
    finish(source, kept, answer)
    with pytest.raises(SourceRefused, match="凭证无效") as refused:
        finish(source, kept, answer)
    assert refused.value.detail.startswith("replay")


def _tampered(upstream: Upstream, request_id: str) -> str:
    xml = base64.b64decode(upstream.response(request_id)).replace(
        b"11010519491231002X", b"110105194912310038")  # another person's ID number
    return base64.b64encode(xml).decode()


# Each broken answer, and the words of the rule it is refused by (the logged detail).
BROKEN = {
    "unsigned": "Signature missing", "tampered": "Failed to verify signature",
    "wrong_audience": "AudienceRestrictions", "expired": "Condition not OK",
    "wrong_issuer": "MissingKey", "other_request": "Unsolicited",
    "unsolicited": "Unsolicited", "signed_by_another_key": "Failed to verify signature",
}


@pytest.mark.parametrize("broken", list(BROKEN))
def test_a_broken_answer_is_refused(source, upstream, broken, tmp_path):
    kept = started(source)
    request_id = kept["request_id"]
    answer = {
        "unsigned": lambda: upstream.response(request_id, sign=False),
        "tampered": lambda: _tampered(upstream, request_id),
        "wrong_audience": lambda: upstream.response(
            request_id, audience=f"{ISSUER}/federation/other/metadata"),
        "expired": lambda: upstream.response(request_id, not_on_or_after=-600),
        "wrong_issuer": lambda: upstream.response(
            request_id, issuer="https://idp.elsewhere.example/saml/metadata"),
        "other_request": lambda: upstream.response("_not-our-request"),
        "unsolicited": lambda: upstream.response(""),
        "signed_by_another_key": lambda: Upstream(tmp_path, "forger").response(request_id),
    }[broken]
    with pytest.raises(SourceRefused, match="凭证无效") as refused:
        finish(source, kept, answer())
    assert BROKEN[broken] in refused.value.detail
    # Refused before the replay cache: the genuine answer to this request still gets in.
    assert finish(source, kept, upstream.response(request_id)).attributes["name"] == "王五"


def _logout_request(signer: Signer | None) -> etree._Element:
    root = etree.fromstring(f"""<samlp:LogoutRequest
 xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
 xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_l{secrets.token_hex(8)}" Version="2.0"
 IssueInstant="{instant()}" Destination="{ISSUER}/federation/prov/slo"
 ><saml:Issuer>{UPSTREAM}</saml:Issuer><saml:NameID>person-7</saml:NameID
 ><samlp:SessionIndex>s-1</samlp:SessionIndex></samlp:LogoutRequest>""".encode())
    return signer.sign(root) if signer else root


@pytest.mark.parametrize("signed_by", ["upstream", "nobody", "forger"])
def test_a_posted_logout_request_must_be_signed_by_the_upstream(source, upstream, tmp_path,
                                                                signed_by, svc):
    from federation.saml import logout

    signer = {"upstream": upstream.signer, "nobody": None,
              "forger": Upstream(tmp_path, "forger").signer}[signed_by]
    # Through the POST binding's decoding, as the SLO endpoint receives it.
    form = {"SAMLRequest": base64.b64encode(etree.tostring(_logout_request(signer))).decode()}
    root, binding, _relay, signature = logout.inbound("POST", b"", form)
    if signed_by == "upstream":
        logout.check_signature(source, root, binding, signature)
        assert logout.end_sessions(svc, source, root, binding, signature,
                                   actor=svc_actor()) == 0  # nobody's session: nothing ended
    else:
        with pytest.raises(SourceRefused) as refused:
            logout.check_signature(source, root, binding, signature)
        assert refused.value.detail.startswith("signature")


def svc_actor():
    from idp.audit import Actor

    return Actor(ip="127.0.0.1", user_agent="test")


def test_the_replay_cache_holds_on_the_redis_store_too(redis_settings, upstream):
    from idp.app import create_app

    services = create_app(redis_settings).extensions["yiwang"]
    try:
        source = SamlSource("prov", {
            "metadata": upstream.metadata, "level": 2, "mapping": {"name": "name"},
            "signing": services.signing_keys.saml_signing, "issuer": ISSUER,
            "store": services.store})
        kept = started(source)
        answer = upstream.response(kept["request_id"])
        assert finish(source, kept, answer).attributes["name"] == "王五"
        with pytest.raises(SourceRefused) as refused:
            finish(source, kept, answer)
        assert refused.value.detail.startswith("replay")
    finally:
        services.db.dispose()
