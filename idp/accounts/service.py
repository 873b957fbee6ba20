"""Account operations: each is one transaction, audited, and writes nothing on bad input.

Functions take the app's ``Services`` first; writes take the ``Actor`` (where the request came
from) second. Legal persons and authorisations live in ``idp.accounts.legal_persons`` and are
re-exported here, so callers need only this module.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from idp.accounts import inputs
from idp.accounts.enums import AccountClass
from idp.accounts.errors import AccountError
from idp.accounts.legal_persons import (
    create_legal_person,
    find_legal_person,
    grant_agent,
    revoke_agent,
    valid_authorisations,
)
from idp.accounts.models import ADDRESS, EMAIL, ID_NUMBER, PHONE, Person
from idp.accounts.password_policy import WeakPassword, check_password
from idp.audit import Actor, EventType, record

if TYPE_CHECKING:
    from idp.services import Services

__all__ = [
    "account_class_of",
    "AccountError", "change_password", "claims_row", "create_legal_person", "create_person",
    "find_legal_person", "find_person_by_id_number", "find_person_by_username", "get_person",
    "grant_agent", "list_persons", "person_claims", "revoke_agent", "valid_authorisations",
    "verify_login",
]


def create_person(
    services: Services,
    actor: Actor,
    *,
    username: str,
    password: str,
    name: str,
    id_number: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    address: dict[str, Any] | None = None,
    assurance_level: int = 1,
    account_class: AccountClass = AccountClass.PERSON,
    must_change_password: bool = False,
) -> Person:
    """Create a citizen (ID number required) or administrator account; AccountError on bad
    input, duplicate username or duplicate ID number."""
    login = inputs.username(username)
    clean_name = inputs.person_name(name)
    if id_number is None and account_class is AccountClass.PERSON:
        raise AccountError("id_number_required")
    number = inputs.id_number(id_number) if id_number is not None else None
    mobile = inputs.phone(phone) if phone is not None else None
    mail = inputs.email(email) if email is not None else None
    place = inputs.address(address) if address is not None else None
    level = inputs.level(assurance_level)
    _check_password(services, password, account_class, login)

    seal, index = services.cipher.seal, services.blind_index
    person = Person(
        username=login, account_class=account_class.value, name=clean_name,
        password_hash=services.passwords.hash(password),  # slow: before the transaction
        must_change_password=must_change_password, assurance_level=level, disabled=False,
        id_number_sealed=seal(number, ID_NUMBER) if number else None,
        id_number_index=index(number, ID_NUMBER) if number else None,
        phone_sealed=seal(mobile, PHONE) if mobile else None,
        phone_index=index(mobile, PHONE) if mobile else None,
        email_sealed=seal(mail, EMAIL) if mail else None,
        email_index=index(mail.lower(), EMAIL) if mail else None,
        address_sealed=seal(json.dumps(place, ensure_ascii=False), ADDRESS) if place else None,
    )
    fields = ["username", "name", "password", "account_class", "assurance_level"] + [
        field for field, value in
        (("id_number", number), ("phone", mobile), ("email", mail), ("address", place))
        if value is not None
    ]
    try:
        with services.db.begin() as session:
            _refuse_duplicates(session, person)
            session.add(person)
            session.flush()
            record(session, EventType.ACCOUNT_CREATE, actor=actor, account_id=person.id,
                   username=person.username, fields=fields)
    except IntegrityError:  # a concurrent insert won the race between our check and insert
        with services.db.session() as session:
            _refuse_duplicates(session, person)
        raise
    return person


def _refuse_duplicates(session, person: Person) -> None:
    if session.scalar(select(Person.id).where(Person.username == person.username)):
        raise AccountError("duplicate_username")
    if person.id_number_index and session.scalar(
        select(Person.id).where(Person.id_number_index == person.id_number_index)
    ):
        raise AccountError("duplicate_id_number")


def _check_password(
    services: Services, password: str, account_class: AccountClass, login: str
) -> None:
    try:
        check_password(password, account_class=account_class, username=login,
                       settings=services.settings)
    except WeakPassword as error:
        raise AccountError("weak_password", error.description, error.reason) from None


def change_password(services: Services, actor: Actor, person_id: str, password: str) -> None:
    """Set a new password under the account's policy and clear ``must_change_password``."""
    person = get_person(services, person_id)
    if person is None:
        raise AccountError("unknown_person")
    _check_password(services, password, AccountClass(person.account_class), person.username)
    new_hash = services.passwords.hash(password)
    with services.db.begin() as session:
        row = session.get(Person, person_id)
        row.password_hash = new_hash
        row.must_change_password = False
        record(session, EventType.ACCOUNT_UPDATE, actor=actor, account_id=row.id,
               username=row.username, fields=["password"])


def get_person(services: Services, person_id: str) -> Person | None:
    with services.db.session() as session:
        return session.get(Person, person_id)


def is_admin(services: Services, person_id: str) -> bool:
    """Whether the account is an administrator's (whose password policy is the stricter one)."""
    person = get_person(services, person_id)
    return person is not None and person.account_class == AccountClass.ADMIN


# What protocol code reads of a person on every authorization, token and assertion, in
# statements built once and run by ``Database.read_row``: loading the whole ORM object
# (session, identity map) costs far more than the query.
_ACCOUNT_CLASS = select(Person.account_class).where(Person.id == bindparam("account_id"))
_CLAIMS_ROW = select(
    Person.disabled, Person.username, Person.updated_at, Person.name, Person.id_number_sealed,
    Person.phone_sealed, Person.email_sealed, Person.address_sealed, Person.account_class,
).where(Person.id == bindparam("account_id"))


def account_class_of(services: Services, person_id: str) -> str | None:
    """The account's class (``AccountClass`` value), or None when there is no such account."""
    row = services.db.read_row(_ACCOUNT_CLASS, {"account_id": person_id})
    return row.account_class if row else None


def claims_row(services: Services, person_id: str):
    """The columns ``person_claims`` reads, plus disabled, username, updated_at and the account
    class, of one person (a row ``person_claims`` takes as it takes a Person), or None."""
    return services.db.read_row(_CLAIMS_ROW, {"account_id": person_id})


def find_person_by_username(services: Services, username: str) -> Person | None:
    """The account of a username, compared case-insensitively (usernames are stored lower)."""
    with services.db.session() as session:
        return session.scalar(select(Person).where(Person.username == username.strip().lower()))


def find_person_by_id_number(services: Services, id_number: str) -> Person | None:
    """The account holding an ID number, through its blind index; None for a malformed one."""
    try:
        number = inputs.id_number(id_number)
    except AccountError:
        return None
    digest = services.blind_index(number, ID_NUMBER)
    with services.db.session() as session:
        return session.scalar(select(Person).where(Person.id_number_index == digest))


def list_persons(
    services: Services, *, account_class: AccountClass | None = None,
    limit: int = 100, offset: int = 0,
) -> list[Person]:
    """Accounts ordered by username, one page at a time."""
    query = select(Person).order_by(Person.username).limit(limit).offset(offset)
    if account_class is not None:
        query = query.where(Person.account_class == account_class.value)
    with services.db.session() as session:
        return list(session.scalars(query))


def person_claims(services: Services, person: Person) -> dict[str, Any]:
    """The person's identity data in clear, for protocol code building tokens or assertions:
    ``name``, ``id_number``, ``phone`` (11 digits), ``email``, ``address`` (OIDC address
    object) — each None when absent. Never log the result."""
    def opened(sealed: str | None, context: str) -> str | None:
        return services.cipher.open(sealed, context) if sealed else None

    address = opened(person.address_sealed, ADDRESS)
    return {
        "name": person.name or None,  # empty until a self-made account is real-name verified
        "id_number": opened(person.id_number_sealed, ID_NUMBER),
        "phone": opened(person.phone_sealed, PHONE),
        "email": opened(person.email_sealed, EMAIL),
        "address": json.loads(address) if address else None,
    }


def verify_login(services: Services, username: str, password: str) -> Person | None:
    """The account when username and password match and it is enabled; otherwise None.

    Unknown usernames still cost one argon2 verification (``verify_or_dummy``) so timing does
    not reveal which accounts exist. A hash made with older costs is replaced on success.
    Counting failures and auditing the login belong to the caller (it knows the actor).
    """
    person = find_person_by_username(services, username)
    ok = services.passwords.verify_or_dummy(person.password_hash if person else None, password)
    if person is None or not ok or person.disabled:
        return None
    if services.passwords.needs_rehash(person.password_hash):
        new_hash = services.passwords.hash(password)
        with services.db.begin() as session:
            session.get(Person, person.id).password_hash = new_hash
        person.password_hash = new_hash
    return person
