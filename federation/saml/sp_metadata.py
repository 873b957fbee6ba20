"""Our service-provider metadata for one SAML upstream, served at its entity id
``<issuer>/federation/<name>/metadata``: the callback as assertion consumer (HTTP-POST), our
single logout service, and our SAML signing certificates (AuthnRequests are signed; we want
assertions signed)."""

from __future__ import annotations

from lxml import etree

from federation.saml.upstream_metadata import DS, MD, POST, REDIRECT


def urls(issuer: str, name: str) -> dict[str, str]:
    base = f"{issuer.rstrip('/')}/federation/{name}"
    return {"entity_id": f"{base}/metadata", "acs": f"{base}/callback", "slo": f"{base}/slo"}


def _body(pem: str) -> str:
    return "".join(line for line in pem.strip().splitlines() if "-----" not in line)


def document(issuer: str, name: str, certificates: list[str]) -> bytes:
    where = urls(issuer, name)
    root = etree.Element(f"{{{MD}}}EntityDescriptor", nsmap={"md": MD, "ds": DS},
                         entityID=where["entity_id"])
    sp = etree.SubElement(root, f"{{{MD}}}SPSSODescriptor", AuthnRequestsSigned="true",
                          WantAssertionsSigned="true",
                          protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol")
    for pem in certificates:
        key = etree.SubElement(sp, f"{{{MD}}}KeyDescriptor", use="signing")
        data = etree.SubElement(etree.SubElement(key, f"{{{DS}}}KeyInfo"), f"{{{DS}}}X509Data")
        etree.SubElement(data, f"{{{DS}}}X509Certificate").text = _body(pem)
    for binding in (REDIRECT, POST):
        etree.SubElement(sp, f"{{{MD}}}SingleLogoutService", Binding=binding,
                         Location=where["slo"])
    etree.SubElement(sp, f"{{{MD}}}NameIDFormat").text = (
        "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")
    etree.SubElement(sp, f"{{{MD}}}AssertionConsumerService", Binding=POST,
                     Location=where["acs"], index="0", isDefault="true")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
