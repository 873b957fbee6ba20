"""Fixtures of the hardening tests: a served IdP with a person, clients and an SP in it.

Hypothesis runs derandomized with a bounded number of examples, so CI sees the same inputs on
every run; a failure prints the smallest input that breaks the property.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyotp
import pytest
from hypothesis import HealthCheck, settings

# Test modules import fuzzing.py and hardening_world.py by name, under any import mode.
sys.path.insert(0, str(Path(__file__).parent))

from hardening_world import PASSWORD, REDIRECT, SP_ENTITY, SP_METADATA, World  # noqa: E402

from clients.initial_tokens import issue_initial_access_token  # noqa: E402
from clients.registry import register_client  # noqa: E402
from idp.accounts import service  # noqa: E402
from idp.accounts.identity_numbers import (  # noqa: E402
    credit_code_check_char,
    id_number_check_char,
)
from idp.accounts.legal_persons import create_legal_person  # noqa: E402
from idp.audit import SYSTEM_ACTOR  # noqa: E402
from idp.authn import totp  # noqa: E402
from idp.saml.sp_metadata import import_sp  # noqa: E402

settings.register_profile(
    "hardening", max_examples=200, deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("hardening")


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
    import_sp(svc, SP_METADATA, SYSTEM_ACTOR, allowed_attributes=["name"])
    initial = issue_initial_access_token(svc, SYSTEM_ACTOR, single_use=False)
    # "fuzzer" also represents a company (the legal-person door and /login/entity); "stepper"
    # must change the password, then give a TOTP code (the login's later steps).
    code17 = "91330100MA0000001"
    create_legal_person(svc, SYSTEM_ACTOR, name="某某公司", representative_username="fuzzer",
                        credit_code=code17 + credit_code_check_char(code17))
    stepper = service.create_person(
        svc, SYSTEM_ACTOR, username="stepper", password=PASSWORD, name="李四",
        id_number="11010519800101002" + id_number_check_char("11010519800101002"),
        phone="13812345679", assurance_level=2, must_change_password=True)
    secret = totp.begin_enrolment(svc, stepper.id, stepper.username).secret
    assert totp.confirm_enrolment(svc, stepper.id, pyotp.TOTP(secret, interval=totp.STEP).now(),
                                  SYSTEM_ACTOR)
    return World("fuzzer", (first.client_id, first_secret), (third.client_id, third_secret),
                 public.client_id, SP_ENTITY, initial, "stepper")
