"""Console fixtures: the app's services, administrators of each role, a signed-in client,
and a relying party and a citizen to act on.

HTTP tests sign in by writing the console session's keys into the Flask session (the OIDC
sign-in itself is driven end to end by tests/admin_browser and test_signin.py).
"""

from __future__ import annotations

import itertools
import time

import pytest

from admin.principal import Admin
from admin.roles import Role, assign_role, grants_of
from admin.web import session as console
from clients.registry import register_client
from idp.accounts import service as accounts
from idp.accounts.enums import AccountClass
from idp.accounts.identity_numbers import id_number_check_char
from idp.audit import SYSTEM_ACTOR, Actor

ADMIN_PASSWORD = "Correct-horse-42-battery"
_serial = itertools.count(1)


@pytest.fixture
def services(app):
    return app.extensions["yiwang"]


def new_id_number() -> str:
    first17 = f"33010619850312{next(_serial) % 1000:03d}"
    return first17 + id_number_check_char(first17)


@pytest.fixture
def make_admin(services):
    """make_admin(role, department=None) -> Admin principal (account created, role granted)."""

    def make(role: Role | None, department: str | None = None) -> Admin:
        username = f"admin{next(_serial)}"
        person = accounts.create_person(
            services, SYSTEM_ACTOR, username=username, password=ADMIN_PASSWORD,
            name="管理员", account_class=AccountClass.ADMIN, assurance_level=2)
        if role is not None:
            assign_role(services.db, account_id=person.id, role=role, department=department)
        with services.db.session() as session:
            grants = grants_of(session, person.id)
        return Admin(person.id, person.username, grants, Actor("127.0.0.1", "pytest"))

    return make


def sign_in(client, admin: Admin) -> str:
    """Give the test client a live console session for admin; returns its CSRF token."""
    now = int(time.time())
    with client.session_transaction() as session:
        session[console.KEY] = {"account_id": admin.account_id, "username": admin.username,
                                "started": now, "seen": now}
        session["csrf"] = "test-csrf-token"
    return "test-csrf-token"


@pytest.fixture
def console_client(app, make_admin):
    """console_client(role, department=None) -> (Flask test client signed in, Admin)."""

    def make(role: Role | None, department: str | None = None):
        admin = make_admin(role, department)
        client = app.test_client()
        sign_in(client, admin)
        return client, admin

    return make


@pytest.fixture
def dept_client(services):
    """An OIDC client of department 税务局: (client, secret)."""
    return register_client(services, {
        "client_name": "电子税务局", "department": "税务局",
        "redirect_uris": ["https://etax.example.gov.cn/callback"],
    }, SYSTEM_ACTOR)


@pytest.fixture
def other_dept_client(services):
    return register_client(services, {
        "client_name": "公积金中心", "department": "公积金中心",
        "redirect_uris": ["https://gjj.example.gov.cn/callback"],
    }, SYSTEM_ACTOR)


@pytest.fixture
def citizen(services):
    return accounts.create_person(
        services, SYSTEM_ACTOR, username=f"citizen{next(_serial)}", password="citizen-pass-123",
        name="张三", id_number=new_id_number(), assurance_level=2)


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


@pytest.fixture
def dept_sp(services):
    """A SAML SP of department 税务局."""
    from idp.saml.sp_metadata import import_sp

    return import_sp(services, SP_METADATA, SYSTEM_ACTOR, department="税务局")
