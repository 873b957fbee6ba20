"""XML signatures in process: sign with a key object loaded once, verify with metadata keys.

Signing: enveloped, RSA-SHA256, exclusive c14n (CONFORMANCE). Verifying: "use what was
signed" — one Signature, a direct child of the root, with one Reference whose URI is the root's
ID, only the enveloped and exc-c14n transforms, no duplicate IDs anywhere (closes the signature
wrapping variants); keys only from the SP's registered metadata, never from KeyInfo.
"""

from __future__ import annotations

import base64
import copy
import hashlib

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree
from signxml import (
    DigestAlgorithm,
    InvalidInput,
    SignatureConfiguration,
    SignatureMethod,
    XMLVerifier,
)
from signxml.exceptions import InvalidSignature as XmlInvalidSignature
from signxml.util import strip_pem_header

from idp.saml import constants as c
from idp.saml.errors import SignatureRefused

_ALLOWED_METHODS = frozenset(SignatureMethod(u) for u in c.SIGNATURE_ALGORITHMS)
_ALLOWED_DIGESTS = frozenset(DigestAlgorithm(u) for u in c.DIGEST_ALGORITHMS)
_ALLOWED_TRANSFORMS = {c.ENVELOPED, c.EXC_C14N}
_HASHES = {
    c.RSA_SHA256: hashes.SHA256, c.RSA_SHA384: hashes.SHA384, c.RSA_SHA512: hashes.SHA512,
    c.ECDSA_SHA256: hashes.SHA256, c.ECDSA_SHA384: hashes.SHA384, c.ECDSA_SHA512: hashes.SHA512,
}
_ID_ATTRIBUTES = ("ID", "Id", "id", "AssertionID")


class Signer:
    """Signs SAML elements with one RSA key: enveloped, RSA-SHA256, exclusive c14n, the
    certificate in KeyInfo. Build once per key.

    The same bytes signxml's ``XMLSigner`` writes for these settings (tests/saml compare them:
    RSA PKCS#1 v1.5 signatures are deterministic), without its generic work: it copies the
    tree twice, builds the Signature element by element and searches for the placeholder,
    which cost about a third of a signature beside the RSA operation itself (issue 16).
    signxml still verifies everything we receive (``verify_enveloped``).
    """

    def __init__(self, key: rsa.RSAPrivateKey, cert_pem: str) -> None:
        self.key = key
        self.cert_pem = cert_pem
        pem = x509.load_pem_x509_certificate(cert_pem.encode()).public_bytes(Encoding.PEM)
        self._template = etree.fromstring(_SIGNATURE_TEMPLATE.format(
            ds=c.DS, c14n=c.EXC_C14N, method=c.RSA_SHA256, enveloped=c.ENVELOPED,
            digest=c.SHA256, cert=strip_pem_header(pem)))

    def sign(self, element: etree._Element) -> etree._Element:
        """element, signed (enveloped) in place and returned; its ds:Signature goes right
        after saml:Issuer, where the SAML schema wants it (Core §3.2.1, §2.3.3)."""
        element_id = element.get("ID")
        # The enveloped-signature transform removes the Signature, which is not there yet.
        digest = hashlib.sha256(_exc_c14n(element)).digest()
        signature = copy.deepcopy(self._template)
        signed_info, value = signature[0], signature[1]
        reference = signed_info[2]
        reference.set("URI", f"#{element_id}" if element_id else "")  # "": the whole document
        reference[2].text = base64.b64encode(digest).decode()  # DigestValue
        value.text = base64.b64encode(self.key.sign(
            _exc_c14n(signed_info), padding.PKCS1v15(), hashes.SHA256())).decode()
        issuer = element.find(f"{{{c.SAML}}}Issuer")
        element.insert(0 if issuer is None else element.index(issuer) + 1, signature)
        return element


# Children in the order the code above indexes them: SignedInfo, SignatureValue, KeyInfo;
# in SignedInfo the Reference third, in it the DigestValue third.
_SIGNATURE_TEMPLATE = (
    '<ds:Signature xmlns:ds="{ds}"><ds:SignedInfo>'
    '<ds:CanonicalizationMethod Algorithm="{c14n}"/><ds:SignatureMethod Algorithm="{method}"/>'
    '<ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="{enveloped}"/>'
    '<ds:Transform Algorithm="{c14n}"/></ds:Transforms><ds:DigestMethod Algorithm="{digest}"/>'
    '<ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/>'
    '<ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data>'
    '</ds:KeyInfo></ds:Signature>'
)


def _exc_c14n(element: etree._Element) -> bytes:
    return etree.tostring(element, method="c14n", exclusive=True, with_comments=False)


def verify_enveloped(root: etree._Element, certs: list[str]) -> None:
    """Accept root only if it carries one valid enveloped signature by one of certs."""
    signature = _only_signature(root)
    _check_signed_info(root, signature)
    _no_duplicate_ids(root)
    config = SignatureConfiguration(
        location="./", expect_references=1, signature_methods=_ALLOWED_METHODS,
        digest_algorithms=_ALLOWED_DIGESTS,
    )
    for cert in certs:
        try:
            XMLVerifier().verify(root, x509_cert=cert, expect_config=config, id_attribute="ID")
            return
        except (XmlInvalidSignature, InvalidInput):
            continue
    raise SignatureRefused("signature does not verify", "no registered key verifies it")


def verify_redirect(signed_octets: bytes, sig_alg: str, signature: bytes, certs: list[str]):
    """HTTP-Redirect binding signature (Bindings §3.4.4.1) over the query as received."""
    if sig_alg not in _HASHES:
        raise SignatureRefused("signature algorithm not accepted", f"SigAlg {sig_alg}")
    algorithm = _HASHES[sig_alg]()
    for cert in certs:
        key = x509.load_pem_x509_certificate(cert.encode()).public_key()
        try:
            if isinstance(key, rsa.RSAPublicKey) and "rsa" in sig_alg:
                key.verify(signature, signed_octets, padding.PKCS1v15(), algorithm)
                return
            if isinstance(key, ec.EllipticCurvePublicKey) and "ecdsa" in sig_alg:
                key.verify(signature, signed_octets, ec.ECDSA(algorithm))
                return
        except InvalidSignature:
            continue
    raise SignatureRefused("signature does not verify", "redirect signature invalid")


def sign_redirect(key: rsa.RSAPrivateKey, signed_octets: bytes) -> bytes:
    return key.sign(signed_octets, padding.PKCS1v15(), hashes.SHA256())


def has_signature(root: etree._Element) -> bool:
    return root.find(f"{{{c.DS}}}Signature") is not None


def _only_signature(root: etree._Element) -> etree._Element:
    signatures = list(root.iter(f"{{{c.DS}}}Signature"))
    if len(signatures) != 1 or signatures[0].getparent() is not root:
        raise SignatureRefused("exactly one signature, on the message itself, is accepted",
                               f"{len(signatures)} signatures")
    return signatures[0]


def _check_signed_info(root: etree._Element, signature: etree._Element) -> None:
    ns = {"ds": c.DS}
    c14n = signature.xpath("ds:SignedInfo/ds:CanonicalizationMethod/@Algorithm", namespaces=ns)
    method = signature.xpath("ds:SignedInfo/ds:SignatureMethod/@Algorithm", namespaces=ns)
    references = signature.xpath("ds:SignedInfo/ds:Reference", namespaces=ns)
    if c14n != [c.EXC_C14N]:
        raise SignatureRefused("only exclusive canonicalisation is accepted", str(c14n))
    if len(method) != 1 or method[0] not in c.SIGNATURE_ALGORITHMS:
        raise SignatureRefused("signature algorithm not accepted (RSA-SHA256 or better)",
                               str(method))
    if len(references) != 1:
        raise SignatureRefused("exactly one signed reference is accepted")
    reference = references[0]
    root_id = root.get("ID")
    if not root_id or reference.get("URI") != "#" + root_id:
        raise SignatureRefused("the signature must cover the whole message",
                               f"reference {reference.get('URI')!r}")
    transforms = reference.xpath("ds:Transforms/ds:Transform/@Algorithm", namespaces=ns)
    if not set(transforms) <= _ALLOWED_TRANSFORMS:
        raise SignatureRefused("signature transform not accepted", str(transforms))
    digest = reference.xpath("ds:DigestMethod/@Algorithm", namespaces=ns)
    if len(digest) != 1 or digest[0] not in c.DIGEST_ALGORITHMS:
        raise SignatureRefused("digest algorithm not accepted (SHA-256 or better)", str(digest))


def _no_duplicate_ids(root: etree._Element) -> None:
    seen: set[str] = set()
    for element in root.iter():
        for name in _ID_ATTRIBUTES:
            value = element.get(name)
            if value is None:
                continue
            if value in seen:
                raise SignatureRefused("duplicate IDs in the message", f"ID {value!r}")
            seen.add(value)
