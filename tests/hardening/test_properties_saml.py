"""Properties of SAML message handling in both bindings: any bytes, base64 or DEFLATE data
decode to a message or give a ``SamlError``; any AuthnRequest or logout message, however odd
its attributes, gets an answer (error page, error Response, login) and never an exception; and
what the IdP builds survives serialising and parsing, whatever text it carries.

The end-to-end properties run on SQLite and PostgreSQL: a value the database refuses is one of
the ways a parser's output becomes a 500.
"""

from __future__ import annotations

import base64
import time
from urllib.parse import quote_plus

import pytest
from hardening_world import SP_ENTITY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from idp.audit import Actor
from idp.saml import constants as c
from idp.saml import messages, slo, sso
from idp.saml.bindings import from_post, from_redirect
from idp.saml.errors import SamlError
from idp.saml.xml import b64decode, deflate, inflate, parse

ACTOR = Actor(ip="127.0.0.1", user_agent="hypothesis")
# Fixtures (the app, its database) are set up once per test, not per example: that is the point.
with_app = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=120)
# Text an XML attribute or element can hold (lxml refuses the rest when building).
xml_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]),
                   max_size=60) | st.sampled_from(["²", "٣", "-1", "9" * 5000, "", " ", "é\"\\"])


def _redirect_query(xml: bytes, relay: str | None = None, **extra: str) -> bytes:
    query = "SAMLRequest=" + quote_plus(base64.b64encode(deflate(xml)).decode())
    if relay is not None:
        query += "&RelayState=" + quote_plus(relay)
    for name, value in extra.items():
        query += f"&{name}={quote_plus(value)}"
    return query.encode()


# --- decoding: bytes, base64, DEFLATE, XML ----------------------------------------------------

@given(st.binary(max_size=2000))
def test_any_bytes_parse_to_xml_or_a_malformed_message(data):
    try:
        parse(data)
    except SamlError:
        pass


@given(st.binary(max_size=2000) | st.text(max_size=200))
def test_any_text_is_base64_or_a_malformed_message(text):
    try:
        b64decode(text)
    except SamlError:
        pass


@given(st.binary(max_size=2000))
def test_any_bytes_inflate_or_give_a_malformed_message(data):
    try:
        inflate(data)
    except SamlError:
        pass


@given(st.binary(max_size=3000))
def test_deflate_round_trips(data):
    assert inflate(deflate(data)) == data


@given(st.binary(max_size=3000), st.sampled_from(["SAMLRequest", "SAMLResponse"]))
def test_any_query_string_is_a_redirect_message_or_a_saml_error(raw, field):
    try:
        from_redirect(raw, field)
    except SamlError:
        pass


@given(st.binary(max_size=1000), st.booleans(), st.text(max_size=100))
def test_any_bytes_in_either_binding_give_a_message_or_a_saml_error(data, squeeze, relay):
    encoded = base64.b64encode(deflate(data) if squeeze else data).decode()
    for decode in (lambda: from_redirect(_redirect_query_raw(encoded, relay), "SAMLRequest"),
                   lambda: from_post({"SAMLRequest": encoded, "RelayState": relay},
                                     "SAMLRequest")):
        try:
            decode()
        except SamlError:
            pass


def _redirect_query_raw(encoded: str, relay: str) -> bytes:
    return f"SAMLRequest={quote_plus(encoded)}&RelayState={quote_plus(relay)}".encode()


@given(st.dictionaries(st.text(max_size=20), st.text(max_size=200), max_size=5))
def test_any_post_form_is_a_message_or_a_saml_error(form):
    try:
        from_post(form, "SAMLRequest")
    except SamlError:
        pass


# --- whole AuthnRequests and logout messages, end to end --------------------------------------

@st.composite
def authn_requests(draw) -> bytes:
    """An AuthnRequest from the registered SP (or another issuer) with any attribute values."""
    root = etree.Element(f"{{{c.SAMLP}}}AuthnRequest", nsmap={"samlp": c.SAMLP, "saml": c.SAML})
    values = {
        "ID": st.just(f"_{time.time_ns()}") | xml_text,
        "Version": st.just("2.0") | xml_text,
        "IssueInstant": st.just(messages.instant()) | xml_text,
        "Destination": xml_text,
        "AssertionConsumerServiceURL": st.just("http://sp.fuzz/acs") | xml_text,
        "AssertionConsumerServiceIndex": st.sampled_from(["0", "1", "²", "٣", "-1", "65536"])
        | xml_text,
        "ProtocolBinding": st.just(c.POST) | xml_text,
        "ForceAuthn": xml_text, "IsPassive": xml_text,
    }
    for name, strategy in values.items():
        if draw(st.booleans()):
            root.set(name, draw(strategy))
    issuer = etree.SubElement(root, f"{{{c.SAML}}}Issuer")
    issuer.text = draw(st.just(SP_ENTITY) | xml_text)
    if draw(st.booleans()):
        policy = etree.SubElement(root, f"{{{c.SAMLP}}}NameIDPolicy")
        policy.set("Format", draw(st.sampled_from(sorted(c.NAMEID_FORMATS)) | xml_text))
    if draw(st.booleans()):
        context = etree.SubElement(root, f"{{{c.SAMLP}}}RequestedAuthnContext")
        context.set("Comparison", draw(st.sampled_from(["exact", "minimum", "better",
                                                        "maximum"]) | xml_text))
        for ref in draw(st.lists(st.sampled_from(sorted(c.LEVEL_CLASSES.values())) | xml_text,
                                 max_size=3)):
            etree.SubElement(context, f"{{{c.SAML}}}AuthnContextClassRef").text = ref
    return etree.tostring(root)


@st.composite
def logout_messages(draw) -> bytes:
    kind = draw(st.sampled_from(["LogoutRequest", "LogoutResponse"]))
    root = etree.Element(f"{{{c.SAMLP}}}{kind}", nsmap={"samlp": c.SAMLP, "saml": c.SAML})
    for name in ("ID", "Version", "IssueInstant", "NotOnOrAfter", "InResponseTo",
                 "Destination"):
        if draw(st.booleans()):
            root.set(name, draw(xml_text))
    etree.SubElement(root, f"{{{c.SAML}}}Issuer").text = draw(st.just(SP_ENTITY) | xml_text)
    if kind == "LogoutRequest":
        nameid = etree.SubElement(root, f"{{{c.SAML}}}NameID")
        nameid.text = draw(xml_text)
        if draw(st.booleans()):
            nameid.set("Format", draw(xml_text))
        for index in draw(st.lists(xml_text, max_size=2)):
            etree.SubElement(root, f"{{{c.SAMLP}}}SessionIndex").text = index
    else:
        status = etree.SubElement(root, f"{{{c.SAMLP}}}Status")
        etree.SubElement(status, f"{{{c.SAMLP}}}StatusCode").set("Value", draw(xml_text))
    return etree.tostring(root)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
@with_app
@given(authn_requests(), st.sampled_from(["redirect", "post"]), st.none() | xml_text)
def test_any_authn_request_in_either_binding_gets_an_answer(backend, svc, world, xml, binding,
                                                            relay):
    try:
        inbound = (from_redirect(_redirect_query(xml, relay), "SAMLRequest")
                   if binding == "redirect" else
                   from_post({"SAMLRequest": base64.b64encode(xml).decode(),
                              **({"RelayState": relay} if relay is not None else {})},
                             "SAMLRequest"))
    except SamlError:
        return
    answer = sso.start(svc, inbound, None, ACTOR)
    assert answer.kind in ("error", "post", "redirect")


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
@with_app
@given(logout_messages(), st.sampled_from(["redirect", "post"]))
def test_any_logout_message_gets_an_answer(backend, svc, world, xml, binding):
    field = "SAMLRequest" if b"LogoutRequest" in xml[:80] else "SAMLResponse"
    try:
        inbound = (from_redirect(_redirect_query(xml).replace(b"SAMLRequest", field.encode()),
                                 field)
                   if binding == "redirect" else
                   from_post({field: base64.b64encode(xml).decode()}, field))
    except SamlError:
        return
    answer = (slo.handle_request(svc, inbound, None, ACTOR) if field == "SAMLRequest"
              else slo.handle_response(svc, inbound, ACTOR))
    assert answer.kind in ("error", "post", "redirect", "page")


def test_a_valid_authn_request_round_trips_through_both_bindings(svc, world):
    for binding in ("redirect", "post"):
        request_id = f"_{time.time_ns()}"
        xml = (f'<samlp:AuthnRequest xmlns:samlp="{c.SAMLP}" xmlns:saml="{c.SAML}" '
               f'ID="{request_id}" Version="2.0" IssueInstant="{messages.instant()}">'
               f"<saml:Issuer>{SP_ENTITY}</saml:Issuer></samlp:AuthnRequest>").encode()
        inbound = (from_redirect(_redirect_query(xml, "r-1"), "SAMLRequest")
                   if binding == "redirect" else
                   from_post({"SAMLRequest": base64.b64encode(xml).decode(),
                              "RelayState": "r-1"}, "SAMLRequest"))
        assert inbound.root.get("ID") == request_id and inbound.relay_state == "r-1"
        answer = sso.start(svc, inbound, None, ACTOR)
        assert answer.kind == "redirect" and answer.url.startswith("/login")


# --- what the IdP builds ----------------------------------------------------------------------

any_text = st.text(alphabet=st.characters(codec=None), max_size=80)


@given(any_text, any_text, st.lists(any_text, max_size=3))
def test_a_response_carries_any_text_and_parses_back(issuer, message, values):
    facts = messages.AssertionFacts(
        issuer=issuer or "x", audience="http://sp.fuzz/metadata", recipient="http://sp.fuzz/acs",
        nameid="n", nameid_format=c.PERSISTENT, in_response_to=None, session_index="s",
        auth_time=int(time.time()), class_ref=c.LEVEL_CLASSES[2], decl_ref=None,
        attributes=[("urn:oid:2.5.4.3", "name", values)])
    response = messages.response(issuer or "x", "http://sp.fuzz/acs", None, c.SUCCESS,
                                 time.time(), message=message or None)
    response.append(messages.assertion(facts, time.time()))
    root = parse(messages.serialize(response))
    ns = {"samlp": c.SAMLP, "saml": c.SAML}
    assert root.findtext("saml:Issuer", namespaces=ns) == messages.xml_text(issuer or "x")
    if message:
        assert root.findtext("samlp:Status/samlp:StatusMessage", namespaces=ns) == \
            messages.xml_text(message)
    sent = [e.text or "" for e in root.iterfind(".//saml:AttributeValue", ns)]
    assert sent == [messages.xml_text(v) for v in values]
