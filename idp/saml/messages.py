"""Building outbound SAML messages with lxml (SAML Core §2-3): assertions, responses,
logout requests and responses. Signing and encryption happen elsewhere."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass, field

from lxml import etree

from idp.saml import constants as c

# Conditions and SubjectConfirmationData live this long (a short window: the POST goes
# straight from the browser to the ACS).
ASSERTION_SECONDS = 300
# Tolerate SP clocks this far behind ours in Conditions/NotBefore.
CLOCK_SKEW_SECONDS = 30

_NSMAP_P = {"samlp": c.SAMLP, "saml": c.SAML}
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NSMAP_A = {"saml": c.SAML}


def new_id() -> str:
    # xs:ID must not start with a digit; 160 bits of randomness.
    return "_" + secrets.token_hex(20)


def instant(epoch: float | None = None) -> str:
    # time.strftime, not datetime's: that one looks the time module up through the import
    # system on every call, which py-spy found at ~4% of a served response (issue 16).
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if epoch is None
                                                           else epoch))


@dataclass
class AssertionFacts:
    issuer: str
    audience: str
    recipient: str  # the ACS URL
    nameid: str
    nameid_format: str
    in_response_to: str | None
    session_index: str
    auth_time: int
    class_ref: str
    decl_ref: str | None
    attributes: list[tuple[str, str, list[str]]] = field(default_factory=list)


def assertion(facts: AssertionFacts, now: float) -> etree._Element:
    a = etree.Element(f"{{{c.SAML}}}Assertion", nsmap=_NSMAP_A, ID=new_id(), Version="2.0",
                      IssueInstant=instant(now))
    _sub(a, "saml:Issuer", facts.issuer)
    subject = _sub(a, "saml:Subject")
    _sub(subject, "saml:NameID", facts.nameid, Format=facts.nameid_format,
         NameQualifier=facts.issuer, SPNameQualifier=facts.audience)
    confirmation = _sub(subject, "saml:SubjectConfirmation", Method=c.BEARER)
    # Profiles §4.1.4.2: bearer data has Recipient, NotOnOrAfter, InResponseTo, no NotBefore.
    data = _sub(confirmation, "saml:SubjectConfirmationData", Recipient=facts.recipient,
                NotOnOrAfter=instant(now + ASSERTION_SECONDS))
    if facts.in_response_to:
        data.set("InResponseTo", facts.in_response_to)
    conditions = _sub(a, "saml:Conditions", NotBefore=instant(now - CLOCK_SKEW_SECONDS),
                      NotOnOrAfter=instant(now + ASSERTION_SECONDS))
    _sub(_sub(conditions, "saml:AudienceRestriction"), "saml:Audience", facts.audience)
    statement = _sub(a, "saml:AuthnStatement", AuthnInstant=instant(facts.auth_time),
                     SessionIndex=facts.session_index)
    context = _sub(statement, "saml:AuthnContext")
    _sub(context, "saml:AuthnContextClassRef", facts.class_ref)
    if facts.decl_ref:
        _sub(context, "saml:AuthnContextDeclRef", facts.decl_ref)
    if facts.attributes:
        attributes = _sub(a, "saml:AttributeStatement")
        for name, friendly, values in facts.attributes:
            attribute = _sub(attributes, "saml:Attribute", Name=name, FriendlyName=friendly,
                             NameFormat=c.ATTRNAME_URI)
            for value in values:
                _sub(attribute, "saml:AttributeValue", value)
    return a


def response(issuer: str, destination: str, in_response_to: str | None, status: str,
             now: float, *, substatus: str | None = None, message: str | None = None,
             ) -> etree._Element:
    r = etree.Element(f"{{{c.SAMLP}}}Response", nsmap=_NSMAP_P, ID=new_id(), Version="2.0",
                      IssueInstant=instant(now), Destination=destination)
    if in_response_to:
        r.set("InResponseTo", in_response_to)
    _sub(r, "saml:Issuer", issuer)
    _status(r, status, substatus, message)
    return r


def logout_request(issuer: str, destination: str, nameid: str, nameid_format: str,
                   sp_entity_id: str, session_index: str, now: float) -> etree._Element:
    r = etree.Element(f"{{{c.SAMLP}}}LogoutRequest", nsmap=_NSMAP_P, ID=new_id(),
                      Version="2.0", IssueInstant=instant(now), Destination=destination,
                      NotOnOrAfter=instant(now + ASSERTION_SECONDS))
    _sub(r, "saml:Issuer", issuer)
    _sub(r, "saml:NameID", nameid, Format=nameid_format, NameQualifier=issuer,
         SPNameQualifier=sp_entity_id)
    _sub(r, "samlp:SessionIndex", session_index)
    return r


def logout_response(issuer: str, destination: str, in_response_to: str | None, status: str,
                    now: float, *, substatus: str | None = None) -> etree._Element:
    r = etree.Element(f"{{{c.SAMLP}}}LogoutResponse", nsmap=_NSMAP_P, ID=new_id(),
                      Version="2.0", IssueInstant=instant(now), Destination=destination)
    if in_response_to:
        r.set("InResponseTo", in_response_to)
    _sub(r, "saml:Issuer", issuer)
    _status(r, status, substatus, None)
    return r


def _status(parent, status: str, substatus: str | None, message: str | None) -> None:
    element = _sub(parent, "samlp:Status")
    code = _sub(element, "samlp:StatusCode", Value=status)
    if substatus:
        _sub(code, "samlp:StatusCode", Value=substatus)
    if message:
        _sub(element, "samlp:StatusMessage", message)


def xml_text(value: str) -> str:
    """value with every character XML 1.0 cannot carry (§2.2 Char: C0 controls but TAB, LF,
    CR; surrogates; U+FFFE/U+FFFF) replaced by U+FFFD: a name from a directory or an upstream
    IdP holding one would otherwise make lxml refuse the whole message."""
    return _NOT_XML.sub("\ufffd", value)


def _sub(parent, qname: str, text: str | None = None, **attributes) -> etree._Element:
    prefix, local = qname.split(":")
    element = etree.SubElement(parent, f"{{{c.NSMAP[prefix]}}}{local}",
                               {k: xml_text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def serialize(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8")
