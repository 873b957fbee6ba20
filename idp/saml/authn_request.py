"""Reading an AuthnRequest (SAML Core §3.4.1) and checking it against the SP's metadata.

Two steps, because the answer to a bad request depends on what is known: ``resolve`` finds
the SP and the ACS endpoint from the registry (failing there means an error page: we never
post to an endpoint the metadata does not list); ``validate`` checks everything else, and its
errors go back to that ACS as an error-status Response.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from clients.saml.models import ServiceProvider
from clients.saml.registry import get_sp
from idp.params import InvalidInteger, parse_int
from idp.saml import constants as c
from idp.saml.bindings import MAX_RELAY_STATE, Inbound
from idp.saml.errors import (
    BadEndpoint,
    InvalidNameIdPolicy,
    MalformedMessage,
    NoAuthnContext,
    RequestDenied,
    SignatureRefused,
    UnknownServiceProvider,
    VersionMismatch,
)
from idp.saml.nameid import choose_format
from idp.saml.signatures import has_signature, verify_enveloped, verify_redirect
from idp.services import Services

# How old (and how far in the future) an IssueInstant may be.
MAX_AGE_SECONDS = 300
CLOCK_SKEW_SECONDS = 60
_NS = {"samlp": c.SAMLP, "saml": c.SAML}
# The children an AuthnRequest may have at most once, by Clark name -> prefixed name.
_ONCE = {f"{{{_NS[prefix]}}}{name}": f"{prefix}:{name}" for prefix, name in (
    ("saml", "Issuer"), ("saml", "Subject"), ("samlp", "NameIDPolicy"), ("saml", "Conditions"),
    ("samlp", "RequestedAuthnContext"), ("samlp", "Scoping"))}
MAX_ACS_INDEX = 65535  # SAML Metadata §2.2.3: an IndexedEndpoint's index is xs:unsignedShort


@dataclass
class Target:
    """Where answers to this request go: known good, from the SP's metadata."""

    sp: ServiceProvider
    acs_url: str
    request_id: str | None
    relay_state: str | None


@dataclass
class AuthnRequestInfo:
    """What the IdP keeps of a valid request while the user logs in (JSON in the Store)."""

    id: str | None
    sp: str
    acs_url: str
    relay_state: str | None
    force_authn: bool
    is_passive: bool
    min_level: int
    nameid_format: str
    received_at: int
    phishing_resistant: bool = False  # the passkey class asked for: a passkey must be used


def resolve(services: Services, inbound: Inbound) -> Target:
    root = inbound.root
    if root.tag != f"{{{c.SAMLP}}}AuthnRequest":
        raise MalformedMessage("not an AuthnRequest", root.tag)
    # Core §3.4.1: each at most once. One pass over the children: six namespaced findall
    # calls cost ~2% of a served response (issue 16).
    seen = Counter(child.tag for child in root if child.tag in _ONCE)
    for tag, count in seen.items():
        if count > 1:
            raise MalformedMessage(f"{_ONCE[tag]} given more than once")
    issuer = (root.findtext("saml:Issuer", namespaces=_NS) or "").strip()
    sp = get_sp(services, issuer)
    if sp is None or sp.disabled:
        raise UnknownServiceProvider("unknown service provider", f"issuer {issuer[:200]!r}")
    url = root.get("AssertionConsumerServiceURL")
    index = root.get("AssertionConsumerServiceIndex")
    binding = root.get("ProtocolBinding")
    if url is not None and index is not None:  # Core §3.4.1: mutually exclusive
        raise BadEndpoint("both AssertionConsumerServiceURL and Index given")
    if index is not None:
        try:  # xs:unsignedShort, read before any signature is checked: strict and bounded
            acs = sp.acs_by_index(parse_int(index, minimum=0, maximum=MAX_ACS_INDEX))
        except InvalidInteger as exc:
            raise BadEndpoint("AssertionConsumerServiceIndex is not an index",
                              f"index={index[:40]!r}") from exc
    elif url is not None:
        acs = sp.acs_by_url(url)  # exact string match (CONFORMANCE)
    else:
        acs = sp.default_acs(c.POST)
    if acs is None:
        raise BadEndpoint("assertion consumer service not in the SP's metadata",
                          f"url={url!r} index={index!r}")
    if binding is not None and binding != acs["binding"]:
        raise BadEndpoint("protocol binding does not match the SP's metadata", binding)
    request_id = root.get("ID")
    if request_id is not None and len(request_id) > 256:
        raise MalformedMessage("request ID too long")
    relay = inbound.relay_state
    if relay is not None and len(relay.encode()) > MAX_RELAY_STATE:
        relay = None  # refused in validate; never echoed back
    return Target(sp, acs["location"], request_id, relay)


def validate(services: Services, inbound: Inbound, target: Target, endpoint: str, now: int
             ) -> AuthnRequestInfo:
    root, sp = inbound.root, target.sp
    inbound.check_relay_state()
    if root.get("Version") != "2.0":
        raise VersionMismatch("only SAML 2.0 is supported", root.get("Version"))
    if not target.request_id or not root.get("IssueInstant"):
        raise RequestDenied("request lacks ID or IssueInstant")
    signed = check_signature(inbound, sp)
    destination = root.get("Destination")
    # Bindings §3.4.5.2 / §3.5.5.2: a signed request must name us as its Destination.
    if destination != endpoint and (signed or destination is not None):
        raise RequestDenied("Destination is not this endpoint", f"Destination {destination!r}")
    check_issue_instant(root.get("IssueInstant"), now)
    if not services.store.add(f"saml-rid:{sp.entity_id}:{target.request_id}", "1",
                              MAX_AGE_SECONDS + CLOCK_SKEW_SECONDS):
        raise RequestDenied("request ID already used", "replayed AuthnRequest ID")
    requested = root.find("samlp:NameIDPolicy", _NS)
    nameid_format = choose_format(None if requested is None else requested.get("Format"),
                                  sp.nameid_format)
    if nameid_format is None:
        raise InvalidNameIdPolicy("NameID format not supported", requested.get("Format"))
    level, phishing_resistant = requested_context(root)
    return AuthnRequestInfo(
        id=target.request_id, sp=sp.entity_id, acs_url=target.acs_url,
        relay_state=inbound.relay_state,
        force_authn=root.get("ForceAuthn") in ("true", "1"),
        is_passive=root.get("IsPassive") in ("true", "1"),
        min_level=max(sp.min_level, level), nameid_format=nameid_format,
        received_at=now, phishing_resistant=phishing_resistant,
    )


def check_signature(inbound: Inbound, sp: ServiceProvider) -> bool:
    """True when the message was signed (and verified); SignatureRefused when it must be and
    is not, or does not verify with a certificate from the SP's metadata."""
    if inbound.redirect_signature is not None:
        if has_signature(inbound.root):
            raise SignatureRefused("signed twice", "enveloped signature in Redirect binding")
        verify_redirect(*inbound.redirect_signature, sp.signing_certs)
        return True
    if inbound.binding == c.POST and has_signature(inbound.root):
        verify_enveloped(inbound.root, sp.signing_certs)
        return True
    if sp.authn_requests_signed:
        raise SignatureRefused("this SP's requests must be signed", "unsigned request")
    return False


def check_issue_instant(value: str | None, now: int) -> None:
    try:
        text = (value or "").replace("Z", "+00:00")
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        issued = moment.timestamp()
    except ValueError as exc:
        raise RequestDenied("IssueInstant is not a date-time", value) from exc
    if issued < now - MAX_AGE_SECONDS or issued > now + CLOCK_SKEW_SECONDS:
        raise RequestDenied("IssueInstant outside the accepted window", value)


def requested_context(root: etree._Element) -> tuple[int, bool]:
    """RequestedAuthnContext (Core §3.3.2.2.1) as (an assurance level, whether a passkey must
    be used): our level classes, or the standard classes we map; NoAuthnContext when none is
    known or it cannot be met. The passkey class binds only when every known class asked for
    is that one (any listed class satisfies "exact" and "minimum"); nothing is better."""
    requested = root.find("samlp:RequestedAuthnContext", _NS)
    if requested is None:
        return 1, False
    refs = [(e.text or "").strip() for e in requested.findall("saml:AuthnContextClassRef", _NS)]
    known = [ref for ref in refs if _level_of(ref) is not None]
    if not known:
        raise NoAuthnContext("requested authentication context not supported", str(refs)[:200])
    comparison = requested.get("Comparison", "exact")
    if comparison == "maximum":
        return 1, False
    passkey = all(ref == c.PHISHING_RESISTANT for ref in known)
    if passkey and comparison == "better":
        raise NoAuthnContext("no authentication context better than a passkey")
    level = min(map(_level_of, known)) + (1 if comparison == "better" else 0)
    if level > 3:
        raise NoAuthnContext("no authentication context better than the highest level")
    return level, passkey


def _level_of(ref: str) -> int | None:
    for level, uri in c.LEVEL_CLASSES.items():
        if ref == uri:
            return level
    return c.STANDARD_CLASS_LEVELS.get(ref)
