"""The SP registry (metadata import, `idp clients add-saml`) and the IdP's own metadata."""

from __future__ import annotations

import json

import pytest
import requests
from saml_helpers import form_of
from saml_sps import PySaml2Sp

from clients.saml.registry import get_sp


@pytest.fixture
def sp_metadata(tmp_path, idp_metadata):
    sp = PySaml2Sp(tmp_path, idp_metadata, "http://sp-cli.test", encrypt=True)
    path = tmp_path / "sp.xml"
    path.write_bytes(sp.metadata())
    return sp, path


def test_add_saml_registers_an_sp_from_its_metadata_file(cli, sp_metadata, svc):
    sp, path = sp_metadata
    result = cli("clients", "add-saml", "--metadata-file", str(path), "--name", "不动产登记",
                 "--department", "自然资源厅", "--attribute", "name", "--min-level", "2",
                 "--json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["entity_id"] == sp.entity_id and shown["encrypts"] is True
    assert shown["acs"][0]["location"] == sp.acs
    assert shown["authn_requests_signed"] is True
    registered = get_sp(svc, sp.entity_id)
    assert registered.department == "自然资源厅" and registered.min_level == 2
    assert registered.allowed_attributes == ["name"] and registered.signing_certs
    listed = cli("clients", "list-saml", "--json")
    assert [s["entity_id"] for s in json.loads(listed.stdout)] == [sp.entity_id]


def test_registering_the_same_sp_twice_needs_replace(cli, sp_metadata):
    _, path = sp_metadata
    assert cli("clients", "add-saml", "--metadata-file", str(path)).exit_code == 0
    again = cli("clients", "add-saml", "--metadata-file", str(path))
    assert again.exit_code == 1 and "already registered" in again.output
    assert cli("clients", "add-saml", "--metadata-file", str(path), "--replace").exit_code == 0


@pytest.mark.parametrize(("metadata", "reason"), [
    (b'<!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><m>&x;</m>', "DTD"),
    (b"<md:EntityDescriptor xmlns:md='urn:oasis:names:tc:SAML:2.0:metadata' entityID='x'/>",
     "no SPSSODescriptor"),
    (b"<md:EntityDescriptor xmlns:md='urn:oasis:names:tc:SAML:2.0:metadata' entityID='x'>"
     b"<md:SPSSODescriptor protocolSupportEnumeration='urn:oasis:names:tc:SAML:2.0:protocol'>"
     b"</md:SPSSODescriptor></md:EntityDescriptor>", "HTTP-POST"),
    (b"not xml", "well-formed"),
])
def test_bad_metadata_is_refused_with_the_reason(cli, tmp_path, metadata, reason):
    path = tmp_path / "bad.xml"
    path.write_bytes(metadata)
    result = cli("clients", "add-saml", "--metadata-file", str(path))
    assert result.exit_code == 1 and reason in result.output


def test_a_disabled_sp_gets_an_error_page(cli, pysaml2_sp, browser, signed_in):
    signed_in()
    sp = pysaml2_sp()
    assert cli("clients", "disable-saml", sp.entity_id).exit_code == 0
    page = browser.get(sp.login_url())
    assert page.status_code == 400 and 'id="saml-post"' not in page.text
    cli("clients", "disable-saml", sp.entity_id, "--enable")
    assert form_of(browser.get(sp.login_url()))[0] == sp.acs


def test_the_idp_metadata_is_signed_and_lists_both_bindings_and_nameid_formats(idp, svc):
    from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser
    from onelogin.saml2.utils import OneLogin_Saml2_Utils

    base = idp[1]
    answer = requests.get(base + "/saml/metadata", timeout=10)
    assert answer.headers["Content-Type"].startswith("application/samlmetadata+xml")
    cert = svc.signing_keys.saml_certificates()[0]
    assert OneLogin_Saml2_Utils.validate_metadata_sign(answer.content, cert, raise_exceptions=True)
    parsed = OneLogin_Saml2_IdPMetadataParser.parse(answer.text)["idp"]
    assert parsed["entityId"] == base + "/saml/metadata"
    assert parsed["singleSignOnService"]["url"] == base + "/saml/sso"
    assert parsed["singleLogoutService"]["url"] == base + "/saml/slo"
    for binding in ("HTTP-Redirect", "HTTP-POST"):
        assert f'Binding="urn:oasis:names:tc:SAML:2.0:bindings:{binding}" ' \
               f'Location="{base}/saml/sso"' in answer.text
    assert "nameid-format:persistent" in answer.text and "nameid-format:transient" in answer.text
    assert "rsa-sha256" in answer.text and "xml-exc-c14n" in answer.text


def test_an_entity_id_over_1024_characters_is_refused(cli, tmp_path, sp_metadata):
    sp, path = sp_metadata
    long_id = "http://sp.test/" + "x" * 1100
    bad = tmp_path / "long.xml"
    bad.write_bytes(path.read_bytes().replace(sp.entity_id.encode(), long_id.encode()))
    result = cli("clients", "add-saml", "--metadata-file", str(bad))
    assert result.exit_code == 1 and "1024" in result.output
