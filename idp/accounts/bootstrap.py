"""The first administrator: created on first start so the console can be reached at all."""

from __future__ import annotations

import secrets
import string
from typing import TYPE_CHECKING

from sqlalchemy import select

from idp.accounts.enums import ADMIN_LEVEL, AccountClass
from idp.accounts.errors import AccountError
from idp.accounts.models import Person
from idp.accounts.password_policy import WeakPassword, check_password
from idp.accounts.service import create_person
from idp.audit import SYSTEM_ACTOR

if TYPE_CHECKING:
    from idp.services import Services

BOOTSTRAP_USERNAME = "admin"
PASSWORD_LENGTH = 20
# No look-alikes (0/O, 1/l/I) and no shell-hostile characters: it is read off a terminal.
_ALPHABET = "".join(
    c for c in string.ascii_letters + string.digits + "-_.@%+=" if c not in "0O1lI"
)


def ensure_bootstrap_admin(services: Services) -> str | None:
    """Create ``admin`` with a random password (to be changed at first login) when there is no
    administrator account; return that password, or None when nothing was created.

    Several processes starting at once race on the unique username: one creates the account,
    the others get ``duplicate_username`` and return None.
    """
    with services.db.session() as session:
        if session.scalar(
            select(Person.id).where(Person.account_class == AccountClass.ADMIN.value).limit(1)
        ):
            return None
    password = _random_password(services)
    try:
        create_person(
            services, SYSTEM_ACTOR, username=BOOTSTRAP_USERNAME, password=password,
            name="初始管理员 Bootstrap administrator", account_class=AccountClass.ADMIN,
            assurance_level=ADMIN_LEVEL, must_change_password=True,
        )
    except AccountError as error:
        if error.code == "duplicate_username":
            return None
        raise
    return password


def _random_password(services: Services) -> str:
    while True:  # a few tries at most: most random draws already meet the policy
        length = max(PASSWORD_LENGTH, services.settings.admin_password_min)
        password = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        try:
            check_password(password, account_class=AccountClass.ADMIN,
                           username=BOOTSTRAP_USERNAME, settings=services.settings)
        except WeakPassword:
            continue
        return password
