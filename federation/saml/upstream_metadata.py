"""An upstream SAML IdP's metadata, read once when it is registered: its entity id, where its
single sign-on and single logout services listen, and the certificates its assertions must be
signed with. Untrusted XML: no DTD, no network, bounded size (as ``idp.saml.xml`` does for SP
metadata)."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

from lxml import etree

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
MAX_BYTES = 512 * 1024

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, remove_comments=True, remove_pis=True)


class MetadataError(ValueError):
    pass


@dataclass(frozen=True)
class UpstreamIdp:
    entity_id: str
    sso_redirect: str  # where the AuthnRequest goes (HTTP-Redirect binding)
    slo: dict[str, str]  # binding -> SingleLogoutService location
    signing_certs: tuple[str, ...]  # base64 DER, as in the metadata


def parse_untrusted(xml: bytes) -> etree._Element:
    """The root of xml from outside, or MetadataError: no DTD, no network, bounded size."""
    if len(xml) > MAX_BYTES:
        raise MetadataError("larger than 512 KiB")
    if b"<!DOCTYPE" in xml.upper() or b"<!ENTITY" in xml.upper():
        raise MetadataError("a DTD is refused")
    try:
        return etree.fromstring(xml, parser=_PARSER)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise MetadataError(f"not XML: {str(exc)[:120]}") from exc


def read(xml: bytes) -> UpstreamIdp:
    """The IdP the metadata describes; MetadataError when it cannot be one we trust."""
    root = parse_untrusted(xml)
    if root.tag != f"{{{MD}}}EntityDescriptor":
        raise MetadataError("one EntityDescriptor expected (not an aggregate)")
    idp = root.find(f"{{{MD}}}IDPSSODescriptor")
    entity_id = root.get("entityID") or ""
    if idp is None or not entity_id:
        raise MetadataError("no IDPSSODescriptor with an entityID")
    sso = [e.get("Location") for e in idp.findall(f"{{{MD}}}SingleSignOnService")
           if e.get("Binding") == REDIRECT and e.get("Location")]
    if not sso:
        raise MetadataError("no SingleSignOnService with the HTTP-Redirect binding")
    slo = {e.get("Binding"): e.get("Location")
           for e in idp.findall(f"{{{MD}}}SingleLogoutService")
           if e.get("Binding") in (REDIRECT, POST) and e.get("Location")}
    keys = [k for k in idp.findall(f"{{{MD}}}KeyDescriptor") if k.get("use") in (None, "signing")]
    certs = tuple("".join((x.text or "").split())
                  for k in keys for x in k.iter(f"{{{DS}}}X509Certificate"))
    if not any(certs):
        # Assertions must be signed: an IdP without a signing key cannot be trusted.
        raise MetadataError("no signing certificate (KeyDescriptor use=signing)")
    return UpstreamIdp(entity_id, sso[0], slo, tuple(c for c in certs if c))


def fetch(url: str, timeout: float = 10.0) -> bytes:
    """Metadata published at url (read once, when the upstream is added)."""
    if not url.startswith(("https://", "http://")):
        raise MetadataError("--metadata-url: an https:// URL")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310 - checked
            data = answer.read(MAX_BYTES + 1)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise MetadataError(f"metadata could not be fetched: {exc}") from exc
    return data
