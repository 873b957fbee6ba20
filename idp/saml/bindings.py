"""HTTP-Redirect and HTTP-POST bindings (SAML Bindings §3.4, §3.5): decoding inbound messages
safely, encoding outbound ones."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote_plus, unquote_plus

from lxml import etree

from idp.saml import constants as c
from idp.saml.errors import MalformedMessage, RequestDenied
from idp.saml.signatures import sign_redirect
from idp.saml.xml import MAX_XML_BYTES, b64decode, deflate, inflate, parse

# Bindings §3.4.3 / §3.5.3: RelayState MUST NOT exceed 80 bytes.
MAX_RELAY_STATE = 80
# base64 of MAX_XML_BYTES, with slack for line breaks.
_MAX_ENCODED = MAX_XML_BYTES * 4 // 3 + 4096


@dataclass
class Inbound:
    root: etree._Element
    binding: str
    relay_state: str | None
    # HTTP-Redirect signature (signed octets, SigAlg, signature bytes), when one was sent.
    redirect_signature: tuple[bytes, str, bytes] | None = None

    def check_relay_state(self) -> None:
        if self.relay_state is not None and len(self.relay_state.encode()) > MAX_RELAY_STATE:
            self.relay_state = None  # never echo it back
            raise RequestDenied("RelayState longer than 80 bytes", "RelayState too long")


def from_redirect(raw_query: bytes, field: str) -> Inbound:
    """Decode a message from the query string as received (needed to check its signature)."""
    try:
        query = raw_query.decode("ascii")
    except UnicodeDecodeError as exc:
        raise MalformedMessage("query string is not ASCII") from exc
    raw: dict[str, str] = {}
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        if name in raw:
            raise MalformedMessage(f"parameter {name} given twice")
        raw[name] = value
    if field not in raw:
        raise MalformedMessage(f"no {field} parameter")
    if len(raw[field]) > _MAX_ENCODED:
        raise MalformedMessage("message too large")
    xml = inflate(b64decode(unquote_plus(raw[field])))
    relay = unquote_plus(raw["RelayState"]) if "RelayState" in raw else None
    signature = None
    if "Signature" in raw:
        if "SigAlg" not in raw:
            raise MalformedMessage("Signature without SigAlg")
        # §3.4.4.1: the signed octets are the parameters as received, in this order.
        names = [field, "RelayState", "SigAlg"]
        octets = "&".join(f"{n}={raw[n]}" for n in names if n in raw).encode()
        signature = (octets, unquote_plus(raw["SigAlg"]), b64decode(unquote_plus(raw["Signature"])))
    return Inbound(parse(xml), c.REDIRECT, relay, signature)


def from_post(form: Mapping[str, str], field: str) -> Inbound:
    value = form.get(field)
    if not value:
        raise MalformedMessage(f"no {field} parameter")
    if len(value) > _MAX_ENCODED:
        raise MalformedMessage("message too large")
    return Inbound(parse(b64decode(value)), c.POST, form.get("RelayState"))


def redirect_url(endpoint: str, field: str, xml: bytes, relay_state: str | None, key) -> str:
    """A signed HTTP-Redirect URL (RSA-SHA256 over the encoded query, §3.4.4.1)."""
    query = f"{field}={quote_plus(base64.b64encode(deflate(xml)).decode())}"
    if relay_state:
        query += f"&RelayState={quote_plus(relay_state)}"
    query += f"&SigAlg={quote_plus(c.RSA_SHA256)}"
    signature = base64.b64encode(sign_redirect(key, query.encode())).decode()
    query += f"&Signature={quote_plus(signature)}"
    return endpoint + ("&" if "?" in endpoint else "?") + query


def post_fields(field: str, xml: bytes, relay_state: str | None) -> dict[str, str]:
    fields = {field: base64.b64encode(xml).decode()}
    if relay_state:
        fields["RelayState"] = relay_state
    return fields
