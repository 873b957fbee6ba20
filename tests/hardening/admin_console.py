"""Administrators for the hardening tests of the console: one per role that holds permissions
over the whole network (separation of duties keeps them on three accounts), and the signed
session cookie a browser of each would carry, made with the app's own session serializer."""

from __future__ import annotations

import itertools
import time

from admin.principal import Admin
from admin.roles import Role, assign_role, authorize, grants_of
from admin.web import session as console
from idp.accounts import service as accounts
from idp.accounts.enums import AccountClass
from idp.audit import SYSTEM_ACTOR, Actor

CSRF = "hardening-csrf-token"
ROLES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
_serial = itertools.count(1)


def administrators(services) -> list[Admin]:
    """A system, a security and an audit administrator."""
    made = []
    for role in ROLES:
        person = accounts.create_person(
            services, SYSTEM_ACTOR, username=f"{role.value.replace('_', '')}{next(_serial)}",
            password="Correct-horse-42-battery", name="管理员",
            account_class=AccountClass.ADMIN, assurance_level=2)
        assign_role(services.db, account_id=person.id, role=role)
        with services.db.session() as session:
            grants = grants_of(session, person.id)
        made.append(Admin(person.id, person.username, grants, Actor("127.0.0.1", "pytest")))
    return made


def holder(admins: list[Admin], permission) -> Admin:
    """The administrator who may do ``permission`` (the system one when nobody needs to)."""
    if permission is None:
        return admins[0]
    return next(a for a in admins if authorize(a.grants, permission))


def session_values(admin: Admin) -> dict:
    now = int(time.time())
    return {console.KEY: {"account_id": admin.account_id, "username": admin.username,
                          "started": now, "seen": now}, "csrf": CSRF}


def cookie(app, admin: Admin) -> str:
    """The ``Cookie`` header value of a browser signed in to the console as ``admin``."""
    serializer = app.session_interface.get_signing_serializer(app)
    return f"{app.config['SESSION_COOKIE_NAME']}={serializer.dumps(session_values(admin))}"
