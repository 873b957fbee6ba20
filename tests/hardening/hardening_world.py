"""What the hardening tests' IdP holds: names, secrets and the SAML SP's metadata.

A module of its own (not conftest.py): test modules import it by this unique name, which
``from conftest import`` would not be when several test folders are collected together.
"""

from __future__ import annotations

from dataclasses import dataclass

PASSWORD = "correct horse battery"
REDIRECT = "https://rp.example.gov.cn/cb"
SP_ENTITY = "http://sp.fuzz/metadata"
SP_ACS = "http://sp.fuzz/acs"
SP_METADATA = f"""<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
  entityID="{SP_ENTITY}">
  <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"
    AuthnRequestsSigned="false">
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
      Location="http://sp.fuzz/slo"/>
    <md:AssertionConsumerService index="0" isDefault="true" Location="{SP_ACS}"
      Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>""".encode()


@dataclass(frozen=True)
class World:
    """What a fuzz run starts from: ids and secrets of things that exist in the IdP."""

    username: str
    first_party: tuple[str, str]  # (client_id, secret): no consent page
    third_party: tuple[str, str]  # needs consent
    public: str  # a public client (PKCE, no secret)
    sp: str
    initial_token: str  # a reusable RFC 7591 initial access token for POST /connect/register
    stepper: str  # must change the password, then give a TOTP code, when logging in
