"""Fixtures of the SAML tests: a live IdP, a person, a browser, and two real SP libraries."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

# Test modules import the helpers below by name, under any pytest import mode.
sys.path.insert(0, str(Path(__file__).parent))

from saml_helpers import PASSWORD, Browser  # noqa: E402
from saml_sps import OneLoginSp, PySaml2Sp  # noqa: E402

from idp.accounts import service  # noqa: E402
from idp.accounts.identity_numbers import id_number_check_char  # noqa: E402
from idp.audit import SYSTEM_ACTOR, AuditEvent  # noqa: E402
from idp.saml.sp_metadata import import_sp  # noqa: E402

_serial = itertools.count(1)
ALL_ATTRIBUTES = ["name", "phone_number", "id_card", "legal_person", "preferred_username"]


@pytest.fixture
def idp(live_app):
    """(services, base URL) of an IdP served on a real port."""
    app, base = live_app
    return app.extensions["yiwang"], base


@pytest.fixture
def svc(idp):
    return idp[0]


@pytest.fixture
def person(svc) -> Callable:
    def add(username: str = "alice", level: int = 2, **extra):
        first17 = f"110105198{next(_serial) % 10}0101{next(_serial) % 1000:03d}"
        return service.create_person(
            svc, SYSTEM_ACTOR, username=username, password=PASSWORD, name="张三",
            id_number=first17 + id_number_check_char(first17), phone="13812345678",
            assurance_level=level, **extra)
    return add


@pytest.fixture
def browser(idp) -> Browser:
    return Browser(idp[1])


@pytest.fixture
def signed_in(svc, person, browser) -> Callable:
    """A person with an SSO session whose cookie the browser holds; returns the session."""

    def make(username: str = "alice", level: int = 2, amr: list[str] | None = None):
        someone = person(username, level=level)
        token, session = svc.sessions.create(
            account_id=someone.id, username=someone.username, level=level, amr=amr or ["pwd"])
        browser.set_session(token)
        return session
    return make


@pytest.fixture
def idp_metadata(idp) -> str:
    return requests.get(idp[1] + "/saml/metadata", timeout=10).text


@pytest.fixture
def register(svc) -> Callable:
    def add(sp, **policy):
        policy.setdefault("allowed_attributes", ALL_ATTRIBUTES)
        return import_sp(svc, sp.metadata(), SYSTEM_ACTOR, **policy)
    return add


@pytest.fixture
def pysaml2_sp(tmp_path, idp_metadata, register) -> Callable[..., PySaml2Sp]:
    """A registered pysaml2 SP: pysaml2_sp(encrypt=True, ...)."""

    def make(base: str = "http://sp-a.test", policy: dict | None = None, **options):
        sp = PySaml2Sp(tmp_path, idp_metadata, base, **options)
        register(sp, **(policy or {}))
        return sp
    return make


@pytest.fixture
def onelogin_sp(tmp_path, idp, svc, register) -> Callable[..., OneLoginSp]:
    """A registered python3-saml SP."""

    def make(base: str = "http://sp-b.test", policy: dict | None = None, **options):
        cert = svc.signing_keys.saml_certificates()[0]
        body = "".join(cert.strip().splitlines()[1:-1])
        issuer = idp[1]
        sp = OneLoginSp(tmp_path, issuer + "/saml/metadata", issuer + "/saml/sso",
                        issuer + "/saml/slo", body, base, **options)
        register(sp, **(policy or {}))
        return sp
    return make


@pytest.fixture
def events(svc) -> Callable[[str], list[AuditEvent]]:
    def of(type_: str) -> list[AuditEvent]:
        with svc.db.session() as session:
            return list(session.scalars(
                select(AuditEvent).where(AuditEvent.type == type_).order_by(AuditEvent.id)))
    return of



@pytest.fixture
def back_channel():
    """Back-channel logout endpoints on real ports: back_channel() -> BackChannel."""
    from saml_sps import BackChannel

    opened: list[BackChannel] = []

    def make() -> BackChannel:
        opened.append(BackChannel())
        return opened[-1]
    yield make
    for channel in opened:
        channel.close()
