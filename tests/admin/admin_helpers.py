"""Helpers of the console tests, importable by name from any test (a module of its own, not
the conftest: another folder's conftest may be the one imported as ``conftest``)."""

from __future__ import annotations

import itertools
import time

from sqlalchemy import select

from admin.principal import Admin
from admin.web import session as console
from clients.models import OidcClient
from clients.saml.models import ServiceProvider
from idp.accounts.identity_numbers import id_number_check_char
from idp.audit import SYSTEM_ACTOR

ADMIN_PASSWORD = "Correct-horse-42-battery"
_serial = itertools.count(1)


def new_id_number() -> str:
    first17 = f"33010619850312{next(_serial) % 1000:03d}"
    return first17 + id_number_check_char(first17)


def sign_in(client, admin: Admin) -> str:
    """Give the test client a live console session for admin; returns its CSRF token."""
    now = int(time.time())
    with client.session_transaction() as session:
        session[console.KEY] = {"account_id": admin.account_id, "username": admin.username,
                                "started": now, "seen": now}
        session["csrf"] = "test-csrf-token"
    return "test-csrf-token"


def enrol_totp(services, account_id: str, username: str) -> str:
    """Enrol a TOTP second factor for the account; returns its secret (for pyotp)."""
    import pyotp

    from idp.authn.totp import begin_enrolment, confirm_enrolment

    secret = begin_enrolment(services, account_id, username).secret
    earlier = time.time() - 60  # enrol on an earlier step: the login's code is then unused
    codes = confirm_enrolment(services, account_id, pyotp.TOTP(secret).at(earlier),
                              SYSTEM_ACTOR, now=earlier)
    assert codes, "TOTP enrolment failed"
    return secret


SP_ENTITY = "https://hr.example.gov.cn/saml"
SP_METADATA = f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{SP_ENTITY}">
  <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:AssertionConsumerService index="0"
        Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
        Location="https://hr.example.gov.cn/saml/acs"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>""".encode()


# The console's CSRF token in the tests' sessions: in a form, and as the JSON API's header.
CSRF = {"csrf_token": "test-csrf-token"}
API = {"X-CSRF-Token": "test-csrf-token"}


def stored_client(services, client_id: str) -> OidcClient:
    with services.db.session() as session:
        return session.get(OidcClient, client_id)


def stored_sp(services) -> ServiceProvider:
    """The SAML SP registered from SP_METADATA, as stored."""
    with services.db.session() as session:
        return session.scalar(select(ServiceProvider).where(
            ServiceProvider.entity_id == SP_ENTITY))
