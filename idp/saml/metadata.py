"""The IdP's metadata (SAML Metadata §2.4.3): entity ID, certificates, endpoints, signed."""

from __future__ import annotations

import base64
import time

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from lxml import etree

from idp.saml import constants as c
from idp.saml.endpoints import entity_id, slo_url, sso_url
from idp.saml.idp_keys import certificates, signer
from idp.saml.messages import instant, new_id
from idp.services import Services

# Relying parties re-fetch at least this often; signed metadata is valid a week.
CACHE_SECONDS = 3600
VALID_SECONDS = 7 * 86400


def idp_metadata(services: Services) -> bytes:
    issuer = services.settings.issuer
    now = time.time()
    root = etree.Element(
        f"{{{c.MD}}}EntityDescriptor", nsmap={"md": c.MD, "ds": c.DS, "saml": c.SAML},
        ID=new_id(), entityID=entity_id(issuer), validUntil=instant(now + VALID_SECONDS),
        cacheDuration=f"PT{CACHE_SECONDS}S",
    )
    idp = etree.SubElement(root, f"{{{c.MD}}}IDPSSODescriptor",
                           protocolSupportEnumeration=c.SAMLP, WantAuthnRequestsSigned="false")
    for pem in certificates(services):  # current first, then next (published early)
        key = etree.SubElement(idp, f"{{{c.MD}}}KeyDescriptor", use="signing")
        data = etree.SubElement(etree.SubElement(key, f"{{{c.DS}}}KeyInfo"), f"{{{c.DS}}}X509Data")
        etree.SubElement(data, f"{{{c.DS}}}X509Certificate").text = _der_b64(pem)
    for binding in (c.REDIRECT, c.POST):
        etree.SubElement(idp, f"{{{c.MD}}}SingleLogoutService", Binding=binding,
                         Location=slo_url(issuer))
    for fmt in c.NAMEID_FORMATS:
        etree.SubElement(idp, f"{{{c.MD}}}NameIDFormat").text = fmt
    for binding in (c.REDIRECT, c.POST):
        etree.SubElement(idp, f"{{{c.MD}}}SingleSignOnService", Binding=binding,
                         Location=sso_url(issuer))
    signed = signer(services).sign(root)  # no Issuer: Signature first (Metadata §3.1)
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def _der_b64(pem: str) -> str:
    cert = x509.load_pem_x509_certificate(pem.encode())
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
