"""Fixtures of the hardening tests: a served IdP with a person, clients and an SP in it.

Hypothesis runs derandomized with a bounded number of examples, so CI sees the same inputs on
every run; a failure prints the smallest input that breaks the property.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Test modules import fuzzing.py by name, under any pytest import mode.
sys.path.insert(0, str(Path(__file__).parent))

from clients.registry import register_client  # noqa: E402
from clients.saml.registry import register_sp_from_metadata  # noqa: E402
from idp.accounts import service  # noqa: E402
from idp.accounts.identity_numbers import id_number_check_char  # noqa: E402
from idp.audit import SYSTEM_ACTOR  # noqa: E402

settings.register_profile(
    "hardening", max_examples=200, deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("hardening")

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


@pytest.fixture
def svc(app):
    return app.extensions["yiwang"]


@pytest.fixture
def world(svc) -> World:
    first17 = "11010519800101001"
    service.create_person(
        svc, SYSTEM_ACTOR, username="fuzzer", password=PASSWORD, name="张三",
        id_number=first17 + id_number_check_char(first17), phone="13812345678",
        assurance_level=2)
    common = {"redirect_uris": [REDIRECT], "scope": "openid profile email phone offline_access",
              "grant_types": ["authorization_code", "refresh_token", "client_credentials"],
              "post_logout_redirect_uris": ["https://rp.example.gov.cn/bye"],
              "token_endpoint_auth_method": "client_secret_post"}
    first, first_secret = register_client(
        svc, {"client_name": "一方", "first_party": True, **common}, SYSTEM_ACTOR)
    third, third_secret = register_client(
        svc, {"client_name": "三方", "first_party": False, **common}, SYSTEM_ACTOR)
    public, _ = register_client(
        svc, {"client_name": "公开", "redirect_uris": [REDIRECT], "scope": "openid profile",
              "token_endpoint_auth_method": "none"}, SYSTEM_ACTOR)
    register_sp_from_metadata(svc, SP_METADATA, SYSTEM_ACTOR, allowed_attributes=["name"])
    return World("fuzzer", (first.client_id, first_secret), (third.client_id, third_secret),
                 public.client_id, SP_ENTITY)
