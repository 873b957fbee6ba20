"""Accounts people make themselves: level 1, a proved phone, the privacy notice accepted.

The one-phone policy (``accounts_per_phone``, default 1) is counted through the phone's blind
index: the phone itself is never stored in clear. A sign-up account has no real name nor ID
number yet (those make level 2), so its ``name`` is empty.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from idp.accounts import inputs
from idp.accounts.enums import AccountClass
from idp.accounts.errors import AccountError
from idp.accounts.models import PHONE, Person
from idp.accounts.password_policy import WeakPassword, check_password
from idp.accounts.privacy_notice import VERSION as PRIVACY_NOTICE_VERSION
from idp.audit import Actor, EventType, record
from idp.db import utcnow

if TYPE_CHECKING:
    from idp.services import Services

SIGNUP_LEVEL = 1  # a proved phone only (DESIGN.md, identity model)
LOCK_SECONDS = 30  # longer than one insert takes; released at once after it


def phone_accepts_account(services: Services, phone: str) -> bool:
    """Whether one more account may hold this (normalised) phone under the policy."""
    limit = services.settings.accounts_per_phone
    if limit <= 0:
        return True
    digest = services.blind_index(phone, PHONE)
    with services.db.session() as session:
        held = session.scalar(select(func.count()).select_from(Person)
                              .where(Person.phone_index == digest))
    return held < limit


def check_signup_password(services: Services, username: str, password: str) -> None:
    """The citizen policy (idp.accounts.password_policy); AccountError("weak_password")."""
    try:
        check_password(password, account_class=AccountClass.PERSON, username=username,
                       settings=services.settings)
    except WeakPassword as error:
        raise AccountError("weak_password", error.description, error.reason) from None


def create_signed_up_person(
    services: Services, actor: Actor, *, username: str, password: str, phone: str,
    phone_verified_at: datetime, privacy_notice_version: str,
) -> Person:
    """The level-1 account of a person who proved ``phone`` and accepted the current notice;
    AccountError on bad input, a taken username, a phone past the policy or an old notice.
    The account and its audit event are one transaction."""
    login = inputs.username(username)
    mobile = inputs.phone(phone)
    if privacy_notice_version != PRIVACY_NOTICE_VERSION:
        raise AccountError("privacy_notice_required")
    check_signup_password(services, login, password)
    person = Person(
        username=login, account_class=AccountClass.PERSON.value, name="",
        password_hash=services.passwords.hash(password),  # slow: before the transaction
        must_change_password=False, assurance_level=SIGNUP_LEVEL, disabled=False,
        phone_sealed=services.cipher.seal(mobile, PHONE),
        phone_index=services.blind_index(mobile, PHONE),
        phone_verified_at=phone_verified_at,
        privacy_notice_version=privacy_notice_version, privacy_notice_accepted_at=utcnow(),
    )
    # The phone index is not unique (administrators may give several accounts one phone):
    # concurrent sign-ups with one phone are serialised by a Store lock, on every node.
    lock = f"signup-phone-lock:{person.phone_index}"
    if not services.store.add(lock, "1", LOCK_SECONDS):
        raise AccountError("phone_taken")
    try:
        with services.db.begin() as session:
            if session.scalar(select(Person.id).where(Person.username == login)):
                raise AccountError("duplicate_username")
            _refuse_phone_past_policy(services, session, person.phone_index)
            session.add(person)
            session.flush()
            record(session, EventType.ACCOUNT_CREATE, actor=actor, account_id=person.id,
                   username=login, via="self_signup",
                   fields=["username", "password", "phone", "privacy_notice"],
                   privacy_notice=privacy_notice_version)
    except IntegrityError:  # a concurrent sign-up took the username between check and insert
        raise AccountError("duplicate_username") from None
    finally:
        services.store.delete(lock)
    return person


def _refuse_phone_past_policy(services: Services, session, digest: str) -> None:
    limit = services.settings.accounts_per_phone
    if limit > 0 and session.scalar(select(func.count()).select_from(Person)
                                    .where(Person.phone_index == digest)) >= limit:
        raise AccountError("phone_taken")
