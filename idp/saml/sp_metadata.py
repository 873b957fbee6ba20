"""Reading SP metadata (SAML Metadata 2.0 §2.4.4) into the registry's fields, safely.

The XML goes through the IdP's hardened parser (no DTD, bounded size). Only what the IdP needs
is taken: ACS and SLO endpoints, signing and encryption certificates, NameID format, and the
two signing flags.
"""

from __future__ import annotations

import base64
import binascii
import textwrap
from pathlib import Path
from typing import Any

from cryptography import x509

from clients.saml import registry
from clients.saml.metadata import MetadataError, SpMetadata
from clients.saml.models import ServiceProvider
from idp.audit import Actor
from idp.params import InvalidInteger, parse_int
from idp.saml import constants as c
from idp.saml.errors import MalformedMessage
from idp.saml.metadata_trust import check_trust, load_signer_cert
from idp.saml.xml import MAX_METADATA_BYTES, parse
from idp.services import Services

_NS = {"md": c.MD, "ds": c.DS}
_ACS_BINDINGS = {c.POST}  # responses are POSTed (Web SSO profile §4.1.2)
_SLO_BINDINGS = {c.REDIRECT, c.POST, c.SOAP}


def read_sp_metadata(xml_bytes: bytes, signer_cert: Path | None = None) -> SpMetadata:
    """The registry fields of trusted metadata: parsed, checked by ``metadata_trust`` (not
    expired; signed by signer_cert when one is given), then read. MetadataError otherwise."""
    root = parse_root(xml_bytes)
    check_trust(root, load_signer_cert(signer_cert) if signer_cert else None)
    return sp_metadata_of(root)


def import_sp(
    services: Services, xml_bytes: bytes, actor: Actor, *, signer_cert: Path | None = None,
    **policy: Any,
) -> ServiceProvider:
    """Read xml_bytes as trusted metadata and register its SP with the given policy (the
    registry's ``register_sp`` arguments). The trust anchor is signer_cert, else the
    ``saml_metadata_signer_cert`` setting; MetadataError names what is wrong."""
    anchor = signer_cert or services.settings.saml_metadata_signer_cert
    return registry.register_sp(services, read_sp_metadata(xml_bytes, anchor), xml_bytes,
                                actor, **policy)


def parse_root(xml_bytes: bytes):
    """The metadata document's root element, through the hardened parser."""
    try:
        return parse(xml_bytes, limit=MAX_METADATA_BYTES)
    except MalformedMessage as exc:
        raise MetadataError(f"metadata: {exc.description}") from exc


def sp_metadata_of(root) -> SpMetadata:
    """The registry fields of a parsed (and, where required, verified) metadata root."""
    descriptor = _descriptor(root)
    entity = descriptor.getparent()
    entity_id = (entity.get("entityID") or "").strip()
    if not entity_id:
        raise MetadataError("metadata: EntityDescriptor has no entityID")
    if len(entity_id) > 1024:  # SAML Core §8.3.6: at most 1024 characters
        raise MetadataError("metadata: entityID longer than 1024 characters")
    acs = [_acs(e) for e in descriptor.findall("md:AssertionConsumerService", _NS)]
    acs = [a for a in acs if a["binding"] in _ACS_BINDINGS]
    if not acs:
        raise MetadataError("metadata: no AssertionConsumerService with the HTTP-POST binding")
    slo = [
        {"binding": e.get("Binding"), "location": e.get("Location"),
         "response_location": e.get("ResponseLocation")}
        for e in descriptor.findall("md:SingleLogoutService", _NS)
        if e.get("Binding") in _SLO_BINDINGS and e.get("Location")
    ]
    signing, encryption = _certificates(descriptor)
    formats = [(e.text or "").strip() for e in descriptor.findall("md:NameIDFormat", _NS)]
    nameid = next((f for f in formats if f in c.NAMEID_FORMATS), c.PERSISTENT)
    return SpMetadata(
        entity_id=entity_id, acs=acs, slo=slo, signing_certs=signing, encryption_certs=encryption,
        nameid_format=nameid,
        want_assertions_signed=descriptor.get("WantAssertionsSigned", "true") in ("true", "1"),
        authn_requests_signed=descriptor.get("AuthnRequestsSigned", "false") in ("true", "1"),
        name=_display_name(entity),
    )


def _descriptor(root):
    if root.tag == f"{{{c.MD}}}EntitiesDescriptor":
        entities = root.findall("md:EntityDescriptor", _NS)
        if len(entities) != 1:
            raise MetadataError("metadata: give one EntityDescriptor per SP")
        root = entities[0]
    if root.tag != f"{{{c.MD}}}EntityDescriptor":
        raise MetadataError("metadata: the root is not an md:EntityDescriptor")
    descriptor = root.find("md:SPSSODescriptor", _NS)
    if descriptor is None:
        raise MetadataError("metadata: no SPSSODescriptor")
    if c.SAMLP not in (descriptor.get("protocolSupportEnumeration") or "").split():
        raise MetadataError("metadata: the SP does not support SAML 2.0")
    return descriptor


def _acs(element) -> dict[str, Any]:
    location = element.get("Location") or ""
    if not location.startswith(("https://", "http://")):
        raise MetadataError(f"metadata: ACS location {location!r} is not an http(s) URL")
    try:  # SAML Metadata §2.2.3: xs:unsignedShort
        index = parse_int(element.get("index", "0"), minimum=0, maximum=65535, max_digits=5)
    except InvalidInteger as exc:
        raise MetadataError(f"metadata: ACS index {exc}") from exc
    default = element.get("isDefault")
    return {"binding": element.get("Binding"), "location": location, "index": index,
            "is_default": None if default is None else default in ("true", "1")}


def _certificates(descriptor) -> tuple[list[str], list[str]]:
    signing: list[str] = []
    encryption: list[str] = []
    for key in descriptor.findall("md:KeyDescriptor", _NS):
        use = key.get("use")
        for data in key.findall(".//ds:X509Certificate", _NS):
            pem = _pem(data.text or "")
            if use in (None, "signing"):
                signing.append(pem)
            if use in (None, "encryption"):
                encryption.append(pem)
    return signing, encryption


def _pem(text: str) -> str:
    b64 = "".join(text.split())
    try:
        x509.load_der_x509_certificate(base64.b64decode(b64, validate=True))
    except (binascii.Error, ValueError) as exc:
        raise MetadataError("metadata: an X509Certificate is not a valid certificate") from exc
    body = "\n".join(textwrap.wrap(b64, 64))
    return f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n"


def _display_name(entity) -> str | None:
    for path in (".//md:OrganizationDisplayName", ".//md:OrganizationName"):
        found = entity.find(path, _NS)
        if found is not None and (found.text or "").strip():
            return found.text.strip()[:200]
    return None
