"""``idp federation add-saml`` registers an upstream only from metadata it can trust: one IdP
with an HTTP-Redirect SSO service and a signing certificate, no DTD."""

from __future__ import annotations

import json

import pytest
from test_saml_source_checks import Upstream, metadata

from federation.upstreams import get_upstream


@pytest.mark.parametrize("broken, words", [
    (lambda xml: xml.replace('use="signing"', 'use="encryption"'), "signing certificate"),
    (lambda xml: '<!DOCTYPE x [<!ENTITY e "e">]>' + xml, "DTD"),
    (lambda xml: xml.replace("HTTP-Redirect", "HTTP-Artifact"), "HTTP-Redirect"),
    (lambda xml: xml.replace("IDPSSODescriptor", "SPSSODescriptor"), "IDPSSODescriptor"),
])
def test_metadata_that_cannot_be_trusted_registers_nothing(cli, svc, tmp_path, broken, words):
    path = tmp_path / "idp.xml"
    path.write_text(broken(Upstream(tmp_path).metadata))
    result = cli("federation", "add-saml", "--name", "prov", "--metadata-file", str(path),
                 "--level", "2", "--json")
    assert result.exit_code == 1
    error = json.loads(result.output)
    assert error["error"] == "invalid_metadata" and words in error["message"]
    assert get_upstream(svc, "prov") is None


def test_good_metadata_prints_what_to_register_at_the_upstream(cli, settings, tmp_path):
    path = tmp_path / "idp.xml"
    path.write_text(metadata("MIIB"))  # a certificate's base64 (not parsed at registration)
    result = cli("federation", "add-saml", "--name", "prov", "--metadata-file", str(path),
                 "--map", "id_number=urn:oid:1.3.6.1.4.1.25178.1.2.15", "--level", "2",
                 "--link-by", "id_number", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["entity_id"] == f"{settings.issuer}/federation/prov/metadata"
    assert data["acs_url"] == f"{settings.issuer}/federation/prov/callback"
    assert data["kind"] == "saml" and data["link_by"] == "id_number" and data["level"] == 2
    assert "metadata" not in data
