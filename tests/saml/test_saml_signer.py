"""Our enveloped signer writes what signxml writes, and xmlsec1 and signxml accept it."""

from __future__ import annotations

import copy
import subprocess
import time

import pytest
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from lxml import etree
from signxml import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConfiguration,
    SignatureMethod,
    XMLSigner,
    XMLVerifier,
)

from idp.saml import constants as c
from idp.saml import messages
from idp.saml.signatures import Signer, verify_enveloped
from tests.saml.saml_certs import key_pair


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("signer")
    key_file, cert_file = key_pair(folder, "signer-idp")
    return load_pem_private_key(key_file.read_bytes(), None), cert_file


def _assertion() -> etree._Element:
    facts = messages.AssertionFacts(
        issuer="https://idp.example/saml/metadata", audience="https://sp.example/metadata",
        recipient="https://sp.example/acs", nameid="p-1", nameid_format=c.PERSISTENT,
        in_response_to="_req1", session_index="sid-1", auth_time=int(time.time()),
        class_ref=c.LEVEL_CLASSES[2], decl_ref=c.PASSWORD,
        attributes=[("urn:oid:2.16.840.1.113730.3.1.241", "name", ["张三 & <李四>"])])
    return messages.assertion(facts, time.time())


def _signxml(key, cert_pem: str, element: etree._Element) -> etree._Element:
    """signxml's enveloped signature at the place ours goes (after saml:Issuer)."""
    element = copy.deepcopy(element)
    placeholder = etree.Element(f"{{{c.DS}}}Signature", Id="placeholder", nsmap={"ds": c.DS})
    has_issuer = element.find(f"{{{c.SAML}}}Issuer") is not None
    element.insert(1 if has_issuer else 0, placeholder)
    signer = XMLSigner(signature_algorithm=SignatureMethod.RSA_SHA256,
                       digest_algorithm=DigestAlgorithm.SHA256,
                       c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0)
    signer.namespaces = {"ds": c.DS}
    return signer.sign(element, key=key, cert=cert_pem)


def test_an_assertion_is_signed_byte_for_byte_as_signxml_signs_it(keys):
    key, cert_file = keys
    assertion = _assertion()
    expected = etree.tostring(_signxml(key, cert_file.read_text(), assertion))
    ours = Signer(key, cert_file.read_text()).sign(copy.deepcopy(assertion))
    assert etree.tostring(ours) == expected


def test_a_response_carrying_a_signed_assertion_verifies_with_signxml_and_xmlsec1(keys, tmp_path):
    key, cert_file = keys
    signer = Signer(key, cert_file.read_text())
    response = messages.response("https://idp.example/saml/metadata", "https://sp.example/acs",
                                 "_req1", c.SUCCESS, time.time())
    response.append(signer.sign(_assertion()))
    signed = signer.sign(response)
    document = etree.fromstring(messages.serialize(signed))
    for element in (document, document.find(f"{{{c.SAML}}}Assertion")):
        XMLVerifier().verify(element, x509_cert=cert_file.read_text(), id_attribute="ID",
                             expect_config=SignatureConfiguration(location="./",
                                                                  expect_references=1))
    path = tmp_path / "response.xml"
    path.write_bytes(messages.serialize(signed))
    for node in ("Response", "Assertion"):  # xmlsec1 checks each signature on its own
        ns = c.SAMLP if node == "Response" else c.SAML
        result = subprocess.run(
            ["xmlsec1", "--verify", "--pubkey-cert-pem", str(cert_file), "--id-attr:ID",
             f"{ns}:{node}", "--node-xpath", f"//*[local-name()='{node}']/*[local-name()="
             "'Signature']", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_a_changed_signed_assertion_no_longer_verifies(keys):
    key, cert_file = keys
    signed = Signer(key, cert_file.read_text()).sign(_assertion())
    signed.find(f"{{{c.SAML}}}Subject/{{{c.SAML}}}NameID").text = "someone-else"
    with pytest.raises(Exception, match="(?i)digest|signature"):
        verify_enveloped(etree.fromstring(etree.tostring(signed)), [cert_file.read_text()])


def test_an_element_without_an_id_is_signed_as_the_whole_document(keys):
    key, cert_file = keys
    document = etree.fromstring(
        f'<md:EntitiesDescriptor xmlns:md="{c.MD}"><md:Extensions/></md:EntitiesDescriptor>')
    expected = etree.tostring(_signxml(key, cert_file.read_text(), document))
    ours = Signer(key, cert_file.read_text()).sign(copy.deepcopy(document))
    assert etree.tostring(ours) == expected
    assert ours.find(f".//{{{c.DS}}}Reference").get("URI") == ""
