"""Console fixtures: the app's services, administrators of each role, a signed-in client,
and a relying party and a citizen to act on (the helpers they use are in admin_helpers.py).

HTTP tests sign in by writing the console session's keys into the Flask session (the OIDC
sign-in itself is driven end to end by browser/ and test_console_signin.py).
"""

from __future__ import annotations

import itertools

import pytest

from admin.principal import Admin
from admin.roles import Role, assign_role, grants_of
from clients.registry import register_client
from federation.contract import SourceKind
from federation.upstreams import add_upstream
from idp.accounts import service as accounts
from idp.accounts.enums import AccountClass
from idp.audit import SYSTEM_ACTOR, Actor
from tests.admin.admin_helpers import ADMIN_PASSWORD, SP_METADATA, new_id_number, sign_in

_serial = itertools.count(1)  # usernames


@pytest.fixture
def services(app):
    return app.extensions["yiwang"]


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


@pytest.fixture
def dept_sp(services):
    """A SAML SP of department 税务局."""
    from idp.saml.sp_metadata import import_sp

    return import_sp(services, SP_METADATA, SYSTEM_ACTOR, department="税务局")


@pytest.fixture
def upstreams(services):
    """Two registered upstream identity providers (never contacted here)."""
    for name, shown in (("gov", "国家政务服务平台"), ("pay", "支付平台")):
        add_upstream(services, name=name, kind=SourceKind.OAUTH2, display_name=shown, config={
            "authorize_url": "https://x.example/a", "token_url": "https://x.example/t",
            "userinfo_url": "https://x.example/u", "subject": "sub", "client_id": "c",
            "scopes": [], "level": 1, "link_by": "none", "mapping": {}, "timeout": 1},
            client_secret="s", actor=SYSTEM_ACTOR)
