"""SAML single logout with an upstream (Profiles §4.4), front channel.

- Our session ends: ``SamlSource.end_session_url`` makes the signed HTTP-Redirect
  LogoutRequest (the NameID and SessionIndex the upstream gave us) that the logout page loads
  like any other site's front-channel URL (``federation.upstream_sessions``).
- The upstream's LogoutRequest at ``/federation/<name>/slo`` (HTTP-Redirect or HTTP-POST):
  signed by a key of its metadata, its Issuer, Destination and IssueInstant checked, its ID
  accepted once; it ends the sessions that came from that upstream session (its SessionIndex)
  or from that NameID, and is answered with a signed LogoutResponse.
"""

from __future__ import annotations

import base64
import secrets
import time
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from lxml import etree
from signxml import XMLVerifier
from signxml.exceptions import InvalidInput
from signxml.exceptions import InvalidSignature as XmlInvalidSignature

from federation.contract import SourceRefused
from federation.linking import accounts_linked
from federation.saml.redirect_binding import signed_url
from federation.saml.sp_metadata import urls
from federation.saml.upstream_metadata import POST, REDIRECT, MetadataError, parse_untrusted
from federation.upstream_sessions import upstream_of
from idp.audit import Actor
from idp.sso.logout import end_session

if TYPE_CHECKING:
    from federation.saml.source import SamlSource
    from idp.services import Services

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
_NS = {"samlp": SAMLP, "saml": SAML}
_HASHES = {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": hashes.SHA256,
           "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": hashes.SHA384,
           "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": hashes.SHA512,
           "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256": hashes.SHA256}
MAX_SKEW = 5 * 60
REFUSED = "退出请求无效。"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def request_url(source: SamlSource, hint: Mapping[str, str]) -> str | None:
    """The signed LogoutRequest for the upstream session ``hint`` names, or None when the
    upstream has no HTTP-Redirect single logout service."""
    location = source.idp.slo.get(REDIRECT)
    if not location or not hint.get("name_id"):
        return None
    root = etree.Element(f"{{{SAMLP}}}LogoutRequest", nsmap={"samlp": SAMLP, "saml": SAML},
                         ID="_" + secrets.token_hex(16), Version="2.0", IssueInstant=_now(),
                         Destination=location)
    etree.SubElement(root, f"{{{SAML}}}Issuer").text = urls(source.issuer,
                                                             source.name)["entity_id"]
    name_id = etree.SubElement(root, f"{{{SAML}}}NameID")
    name_id.text = hint["name_id"]
    if hint.get("format"):
        name_id.set("Format", hint["format"])
    if hint.get("session_index"):
        etree.SubElement(root, f"{{{SAMLP}}}SessionIndex").text = hint["session_index"]
    key, _cert = source.signing()
    return signed_url(location, "SAMLRequest", etree.tostring(root), None, key)


def inbound(method: str, raw_query: bytes, form: Mapping[str, str]
            ) -> tuple[etree._Element, str, str | None, tuple[bytes, str, bytes] | None]:
    """(root, binding, RelayState, redirect signature) of a message at our SLO endpoint."""
    try:
        if method == "POST":
            field = "SAMLRequest" if "SAMLRequest" in form else "SAMLResponse"
            xml = base64.b64decode(form.get(field, ""), validate=False)
            return parse_untrusted(xml), POST, form.get("RelayState"), None
        raw: dict[str, str] = {}
        for part in raw_query.decode("ascii").split("&"):
            name, _, value = part.partition("=")
            if name in raw:
                raise SourceRefused(REFUSED, f"parameter {name} twice")
            raw[name] = value
        field = "SAMLRequest" if "SAMLRequest" in raw else "SAMLResponse"
        inflater = zlib.decompressobj(-15)
        xml = inflater.decompress(base64.b64decode(unquote_plus(raw.get(field, ""))), 65536)
        signature = None
        if "Signature" in raw and "SigAlg" in raw:
            octets = "&".join(f"{n}={raw[n]}" for n in (field, "RelayState", "SigAlg")
                              if n in raw).encode()
            signature = (octets, unquote_plus(raw["SigAlg"]),
                         base64.b64decode(unquote_plus(raw["Signature"])))
        relay = unquote_plus(raw["RelayState"]) if "RelayState" in raw else None
        return parse_untrusted(xml), REDIRECT, relay, signature
    except (ValueError, zlib.error, UnicodeDecodeError, MetadataError) as exc:
        raise SourceRefused(REFUSED, f"malformed: {str(exc)[:120]}") from exc


def _certs(source: SamlSource) -> list[str]:
    return [f"-----BEGIN CERTIFICATE-----\n{c}\n-----END CERTIFICATE-----\n"
            for c in source.idp.signing_certs]


def check_signature(source: SamlSource, root: etree._Element, binding: str,
                    signature: tuple[bytes, str, bytes] | None) -> None:
    """Signed by a key of the upstream's metadata (Profiles §4.4.4.1: front-channel logout
    messages MUST be signed); never a key the message carries."""
    if binding == REDIRECT:
        if signature is None:
            raise SourceRefused(REFUSED, "signature: unsigned")
        octets, sig_alg, value = signature
        if sig_alg not in _HASHES:
            raise SourceRefused(REFUSED, f"signature: SigAlg {sig_alg[:80]}")
        for pem in _certs(source):
            key = x509.load_pem_x509_certificate(pem.encode()).public_key()
            try:
                if isinstance(key, rsa.RSAPublicKey):
                    key.verify(value, octets, padding.PKCS1v15(), _HASHES[sig_alg]())
                    return
                if isinstance(key, ec.EllipticCurvePublicKey):
                    key.verify(value, octets, ec.ECDSA(_HASHES[sig_alg]()))
                    return
            except InvalidSignature:
                continue
        raise SourceRefused(REFUSED, "signature: does not verify")
    signatures = root.findall("{http://www.w3.org/2000/09/xmldsig#}Signature")
    if len(signatures) != 1:
        raise SourceRefused(REFUSED, "signature: unsigned")
    for pem in _certs(source):
        try:
            verified = XMLVerifier().verify(root, x509_cert=pem, id_attribute="ID")
        except (XmlInvalidSignature, InvalidInput):
            continue
        if verified.signed_xml is not None and verified.signed_xml.get("ID") == root.get("ID"):
            return  # the signature covers the whole message, not some part of it
    raise SourceRefused(REFUSED, "signature: does not verify")


def _checked_request(services: Services, source: SamlSource, root: etree._Element,
                     binding: str, signature) -> None:
    if root.tag != f"{{{SAMLP}}}LogoutRequest" or root.get("Version") != "2.0":
        raise SourceRefused(REFUSED, "not a LogoutRequest")
    check_signature(source, root, binding, signature)
    if (root.findtext("saml:Issuer", namespaces=_NS) or "").strip() != source.idp.entity_id:
        raise SourceRefused(REFUSED, "issuer differs from the metadata's entity")
    if root.get("Destination") != urls(services.settings.issuer, source.name)["slo"]:
        raise SourceRefused(REFUSED, "destination is not our SLO endpoint")
    try:
        issued = datetime.strptime(root.get("IssueInstant", "")[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError as exc:
        raise SourceRefused(REFUSED, "issue instant missing") from exc
    if abs(issued.replace(tzinfo=UTC).timestamp() - time.time()) > MAX_SKEW:
        raise SourceRefused(REFUSED, "issue instant out of window")
    if not services.store.add(f"fed-saml-slo:{source.name}:{root.get('ID', '')[:128]}", "1",
                              2 * MAX_SKEW):
        raise SourceRefused(REFUSED, "replay: request ID seen before")


def end_sessions(services: Services, source: SamlSource, root: etree._Element, binding: str,
                 signature, *, actor: Actor) -> int:
    """Check the upstream's LogoutRequest and end the sessions it names; how many."""
    _checked_request(services, source, root, binding, signature)
    name_id = (root.findtext("saml:NameID", namespaces=_NS) or "").strip()
    indexes = [(e.text or "").strip() for e in root.findall("samlp:SessionIndex", _NS)]
    sids = [s for s in (services.store.get(f"fed-sid:{source.name}:{i[:128]}") for i in indexes)
            if s]
    if not indexes and name_id:  # every session of that person through this upstream
        subject = f"{source.idp.entity_id}#{name_id}"[:512]
        for account_id in accounts_linked(services, source.name, subject):
            sids += [s.sid for s in services.sessions.for_account(account_id)
                     if (upstream_of(services, s.sid) or {}).get("source") == source.name]
    ended = 0
    for sid in sids:
        if end_session(services, sid=sid, actor=actor, initiator=f"upstream:{source.name}"[:48]):
            ended += 1
    return ended


def response_url(source: SamlSource, in_response_to: str, relay_state: str | None) -> str | None:
    """Our signed LogoutResponse (HTTP-Redirect) to the upstream's LogoutRequest."""
    location = source.idp.slo.get(REDIRECT)
    if not location:
        return None
    root = etree.Element(f"{{{SAMLP}}}LogoutResponse", nsmap={"samlp": SAMLP, "saml": SAML},
                         ID="_" + secrets.token_hex(16), Version="2.0", IssueInstant=_now(),
                         Destination=location, InResponseTo=in_response_to[:128])
    etree.SubElement(root, f"{{{SAML}}}Issuer").text = urls(source.issuer,
                                                             source.name)["entity_id"]
    status = etree.SubElement(root, f"{{{SAMLP}}}Status")
    etree.SubElement(status, f"{{{SAMLP}}}StatusCode", Value=SUCCESS)
    key, _cert = source.signing()
    return signed_url(location, "SAMLResponse", etree.tostring(root), relay_state, key)
