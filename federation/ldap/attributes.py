"""Reading an entry's attributes as python-ldap hands them over (name -> list of bytes)."""

from __future__ import annotations

from collections.abc import Mapping

Attributes = dict[str, list[bytes]]


def first_value(attrs: Attributes, name: str) -> str | None:
    # Attribute names are case-insensitive (RFC 4512 §2.5); python-ldap keeps the server's.
    for key, values in attrs.items():
        if key.lower() == name.lower() and values:
            raw = values[0]
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError:  # AD's objectGUID is 16 raw bytes
                return raw.hex()
    return None


def mapped(attrs: Attributes, mapping: Mapping[str, str]) -> dict[str, str]:
    """Our attribute names -> the entry's values, through the directory's mapping."""
    return {ours: value for ours, theirs in mapping.items()
            if (value := first_value(attrs, theirs)) is not None}


def stable_id(attrs: Attributes, dn: str) -> str:
    """The entry's id that survives a rename: entryUUID (OpenLDAP), objectGUID (AD), else DN."""
    return first_value(attrs, "entryUUID") or first_value(attrs, "objectGUID") or dn
