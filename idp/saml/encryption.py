"""Encrypted assertions (SAML Core §2.3.4, XML Encryption 1.1): AES-128-GCM content with a
fresh key per assertion, the key transported with RSA-OAEP to the SP's encryption certificate.
"""

from __future__ import annotations

import base64
import secrets

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from lxml import etree

from idp.saml import constants as c

_ELEMENT = "http://www.w3.org/2001/04/xmlenc#Element"


def encrypt_assertion(assertion: etree._Element, cert_pem: str) -> etree._Element:
    """saml:EncryptedAssertion holding assertion (already signed) for cert's RSA key."""
    public_key = x509.load_pem_x509_certificate(cert_pem.encode()).public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise ValueError("SP encryption certificate is not RSA")
    key = AESGCM.generate_key(128)
    nonce = secrets.token_bytes(12)  # XML Enc 1.1 §5.2.4: 96-bit IV, prefixed to the cipher
    plaintext = etree.tostring(assertion)
    cipher = nonce + AESGCM(key).encrypt(nonce, plaintext, None)
    # rsa-oaep-mgf1p: OAEP with SHA-1 and MGF1-SHA-1 — the transport every SP library reads.
    wrapped = public_key.encrypt(
        key, padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None)  # noqa: S303
    )
    outer = etree.Element(f"{{{c.SAML}}}EncryptedAssertion", nsmap={"saml": c.SAML})
    data = etree.SubElement(outer, f"{{{c.XENC}}}EncryptedData", Type=_ELEMENT,
                            nsmap={"xenc": c.XENC, "ds": c.DS})
    etree.SubElement(data, f"{{{c.XENC}}}EncryptionMethod", Algorithm=c.AES128_GCM)
    info = etree.SubElement(data, f"{{{c.DS}}}KeyInfo")
    encrypted_key = etree.SubElement(info, f"{{{c.XENC}}}EncryptedKey")
    method = etree.SubElement(encrypted_key, f"{{{c.XENC}}}EncryptionMethod",
                              Algorithm=c.RSA_OAEP_MGF1P)
    etree.SubElement(method, f"{{{c.DS}}}DigestMethod", Algorithm=c.SHA1_DIGEST)
    _cipher_value(encrypted_key, wrapped)
    _cipher_value(data, cipher)
    return outer


def _cipher_value(parent, raw: bytes) -> None:
    data = etree.SubElement(parent, f"{{{c.XENC}}}CipherData")
    value = etree.SubElement(data, f"{{{c.XENC}}}CipherValue")
    value.text = base64.b64encode(raw).decode()
