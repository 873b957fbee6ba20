"""Sending a signed message to an SP endpoint through the browser (Redirect or POST)."""

from __future__ import annotations

from lxml import etree

from idp.saml import constants as c
from idp.saml.answers import Answer
from idp.saml.bindings import post_fields, redirect_url
from idp.saml.idp_keys import signer
from idp.saml.messages import serialize
from idp.services import Services


def send(services: Services, endpoint: dict, field: str, message: etree._Element,
         relay_state: str | None, *, location: str | None = None) -> Answer:
    """Redirect binding: the query is signed (Bindings §3.4.4.1), the XML not; POST binding:
    the XML carries an enveloped signature."""
    url = location or endpoint["location"]
    sign = signer(services)
    if endpoint["binding"] == c.REDIRECT:
        return Answer.redirect(redirect_url(url, field, serialize(message), relay_state, sign.key))
    return Answer.post(url, post_fields(field, serialize(sign.sign(message)), relay_state))
