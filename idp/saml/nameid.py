"""NameIDs: persistent ones pairwise per SP (SAML Core §8.3.7), never the ID number.

A persistent NameID is HMAC-SHA256(server key, SP entity ID || account id): stable for one SP,
uncorrelatable across SPs, and it reveals nothing. A transient one is random per session and SP.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from idp.saml import constants as c

KEY_PURPOSE = "saml-nameid"


def persistent(key: bytes, entity_id: str, account_id: str) -> str:
    mac = hmac.new(key, f"{entity_id}\x00{account_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:24]).decode()


def transient() -> str:
    return "_" + secrets.token_urlsafe(24)


def choose_format(requested: str | None, registered: str) -> str | None:
    """The format to answer with, or None when the request asks for one we do not issue."""
    if requested in (None, "", c.UNSPECIFIED):
        return registered
    return requested if requested in c.NAMEID_FORMATS else None
