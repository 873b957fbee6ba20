"""Parsing untrusted XML: no DTD (XXE, entity bombs), no network, bounded size and depth.

CONFORMANCE (SAML inbound): refuse any ``<!DOCTYPE>``. lxml with ``resolve_entities=False``
and ``load_dtd=False`` still accepts an internal subset, so a DOCTYPE is refused outright.
"""

from __future__ import annotations

import base64
import binascii
import zlib

from lxml import etree

from idp.saml.errors import MalformedMessage

# Largest message we accept, decoded (a big AuthnRequest is ~5 KiB, a LogoutRequest less).
MAX_XML_BYTES = 64 * 1024
# SP metadata with a few certificates and endpoints stays far below this.
MAX_METADATA_BYTES = 512 * 1024
MAX_DEPTH = 32

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
    huge_tree=False, remove_comments=True, remove_pis=True, collect_ids=False,
)


def parse(data: bytes, *, limit: int = MAX_XML_BYTES) -> etree._Element:
    """The root element of data, or MalformedMessage; never resolves anything."""
    if len(data) > limit:
        raise MalformedMessage("message too large", f"{len(data)} bytes")
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise MalformedMessage("DTDs are not accepted", "DOCTYPE in message")
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise MalformedMessage("message is not well-formed XML", str(exc)[:200]) from exc
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise MalformedMessage("DTDs are not accepted", "DOCTYPE in message")
    if _depth(root) > MAX_DEPTH:
        raise MalformedMessage("message nested too deeply")
    return root


def b64decode(text: str | bytes) -> bytes:
    try:
        raw = text.encode() if isinstance(text, str) else text
        return base64.b64decode(b"".join(raw.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise MalformedMessage("message is not valid base64") from exc


def inflate(data: bytes, *, limit: int = MAX_XML_BYTES) -> bytes:
    """Raw DEFLATE (Bindings §3.4.4.1), stopping at limit bytes: bombs cost nothing."""
    inflater = zlib.decompressobj(-15)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise MalformedMessage("message is not valid DEFLATE data") from exc
    if len(out) > limit or inflater.unconsumed_tail:
        raise MalformedMessage("message too large once inflated", f"> {limit} bytes")
    return out


def deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _depth(root: etree._Element) -> int:
    deepest = 0
    for element in root.iter():
        depth = 0
        node = element
        while node is not None and depth <= MAX_DEPTH:
            node = node.getparent()
            depth += 1
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
    return deepest
