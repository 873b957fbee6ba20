"""Landing an upstream identity in one local person account (``AccountLinker`` for upstream
identity providers, whatever their protocol).

A later login follows the link (source + subject). A first login links to an existing account
only through a resident ID number the upstream asserts *and* is trusted to assert
(``link_by == "id_number"``, matched through the ID number's blind index), or after the person
proved the account with its local password (``link_confirmed``). Never through a name, phone or
e-mail: anyone can claim those at a payment app. Otherwise a new account is made at the
upstream's level (``create``). Every link and unlink is audited and told to the person by SMS.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from federation.contract import FederatedLogin, SourceRefused, UpstreamIdentity
from federation.models import FederatedLink
from idp.accounts import inputs
from idp.accounts.enums import AccountClass
from idp.accounts.errors import AccountError
from idp.accounts.models import ID_NUMBER, Person
from idp.audit import SYSTEM_ACTOR, Actor, EventType, record
from idp.authn.security_notices import tell_account
from idp.db import utcnow
from idp.notify import MessageKind

if TYPE_CHECKING:
    from idp.services import Services

LINK_BY_ID_NUMBER = "id_number"
LINK_POLICIES = (LINK_BY_ID_NUMBER, "none")
# Not an argon2 string: no password verifies against it until the person sets one.
UNUSABLE_PREFIX = "!fed:"


@dataclass(frozen=True)
class LinkView:
    """One row of "my account"'s upstream links."""

    id: str
    source: str
    created: datetime
    last_used: datetime


class UpstreamLinker:
    """``federation.contract.AccountLinker`` for upstream identity providers."""

    def __init__(self, services: Services, actor: Actor = SYSTEM_ACTOR, *,
                 link_by: str = "none", provider_name: str = "") -> None:
        self.services = services
        self.actor = actor
        self.link_by = link_by
        self.provider_name = provider_name

    def link(self, identity: UpstreamIdentity) -> FederatedLogin:
        """The account of a known link, or linked by a trusted ID number, or a new one."""
        return self.find(identity) or self.create(identity)

    def find(self, identity: UpstreamIdentity) -> FederatedLogin | None:
        """The account this identity already reaches: by its link, else by a trusted ID number
        (then linked); None when a first login must choose (a new account, or confirm one)."""
        with self.services.db.begin() as session:
            link = session.scalar(select(FederatedLink).where(
                FederatedLink.source == identity.source,
                FederatedLink.subject == identity.subject))
            if link is not None:
                link.last_used = utcnow()
                return self._login(session.get(Person, link.account_id), identity)
        person = self._by_trusted_id_number(identity)
        if person is None:
            return None
        return self._link_to(person.id, identity, how="id_number")

    def link_confirmed(self, identity: UpstreamIdentity, account_id: str) -> FederatedLogin:
        """Link after the person logged in to ``account_id`` with its local password."""
        return self._link_to(account_id, identity, how="confirmed")

    def create(self, identity: UpstreamIdentity) -> FederatedLogin:
        """A new person account at the upstream's level, linked. Its ID number is kept only
        from an upstream trusted for it (so an untrusted claim cannot take the number from its
        owner). Its phone is not kept: an upstream's phone is no proof here, and SMS login
        must find one account per phone; the person adds one on "my account"."""
        attrs = identity.attributes
        number = self._trusted_id_number(identity)
        seal, index = self.services.cipher.seal, self.services.blind_index
        person = Person(
            username=f"{identity.source}-{secrets.token_hex(5)}",
            account_class=AccountClass.PERSON.value,
            password_hash=UNUSABLE_PREFIX + secrets.token_urlsafe(16),
            name=(attrs.get("name") or "")[:128], assurance_level=identity.level,
            id_number_sealed=seal(number, ID_NUMBER) if number else None,
            id_number_index=index(number, ID_NUMBER) if number else None,
        )
        try:
            with self.services.db.begin() as session:
                session.add(person)
                session.flush()
                record(session, EventType.ACCOUNT_CREATE, actor=self.actor,
                       account_id=person.id, username=person.username,
                       account_class=AccountClass.PERSON.value, source=identity.source)
                session.add(FederatedLink(source=identity.source, subject=identity.subject,
                                          account_id=person.id))
                record(session, EventType.FEDERATION_LINK, actor=self.actor,
                       account_id=person.id, username=person.username,
                       source=identity.source, how="created")
                return self._login(person, identity)
        except IntegrityError:
            # The same first login twice at once (two tabs): the other one made the link.
            found = self.find(identity)
            if found is None:
                raise
            return found

    def _link_to(self, account_id: str, identity: UpstreamIdentity, *, how: str
                 ) -> FederatedLogin:
        try:
            with self.services.db.begin() as session:
                person = session.get(Person, account_id)
                if person is None or person.account_class != AccountClass.PERSON.value:
                    raise SourceRefused("该账号无法关联。", f"account {account_id} not a person")
                session.add(FederatedLink(source=identity.source, subject=identity.subject,
                                          account_id=person.id))
                record(session, EventType.FEDERATION_LINK, actor=self.actor,
                       account_id=person.id, username=person.username,
                       source=identity.source, how=how)
                login = self._login(person, identity)
        except IntegrityError:
            found = self.find(identity)
            if found is None:
                raise
            return found
        tell_account(self.services, self.actor, login.account_id, MessageKind.UPSTREAM_LINKED,
                     provider=self.provider_name or identity.source)
        return login

    def _login(self, person: Person | None, identity: UpstreamIdentity) -> FederatedLogin:
        if person is None or person.disabled:
            raise SourceRefused("该账号已停用。", "linked account missing or disabled")
        # What the upstream verified, never above what the account itself has been verified
        # for (an L1 payment app does not make an L2 session).
        level = max(1, min(identity.level, person.assurance_level))
        amr = ("fed", *(m for m in identity.amr if m != "fed"))
        return FederatedLogin(account_id=person.id, username=person.username, level=level,
                              amr=amr, source=identity.source)

    def _trusted_id_number(self, identity: UpstreamIdentity) -> str | None:
        if self.link_by != LINK_BY_ID_NUMBER:
            return None
        return _clean(inputs.id_number, identity.attributes.get("id_number"))

    def _by_trusted_id_number(self, identity: UpstreamIdentity) -> Person | None:
        number = self._trusted_id_number(identity)
        if number is None:
            return None
        digest = self.services.blind_index(number, ID_NUMBER)
        with self.services.db.session() as session:
            person = session.scalar(select(Person).where(Person.id_number_index == digest))
        if person is None or person.account_class != AccountClass.PERSON.value:
            return None
        return person


def _clean(check, value: str | None) -> str | None:
    if not value:
        return None
    try:
        return check(value)
    except AccountError:
        return None


def links_of(services: Services, account_id: str) -> list[LinkView]:
    with services.db.session() as session:
        rows = session.scalars(select(FederatedLink).where(
            FederatedLink.account_id == account_id).order_by(FederatedLink.created))
        return [LinkView(r.id, r.source, r.created, r.last_used) for r in rows]


def unlink(services: Services, account_id: str, link_id: str, *, actor: Actor,
           provider_name: str | None = None) -> bool:
    """Remove one of the account's links (audited, told by SMS); False if it has no such."""
    with services.db.begin() as session:
        link = session.get(FederatedLink, link_id)
        if link is None or link.account_id != account_id:
            return False
        person = session.get(Person, account_id)
        session.delete(link)
        record(session, EventType.FEDERATION_UNLINK, actor=actor, account_id=account_id,
               username=person.username if person else None, source=link.source)
        source = link.source
    tell_account(services, actor, account_id, MessageKind.UPSTREAM_UNLINKED,
                 provider=provider_name or source)
    return True


def accounts_linked(services: Services, source: str, subject: str) -> list[str]:
    """The account a source's subject is linked to (the back-channel logout's ``sub``)."""
    with services.db.session() as session:
        return list(session.scalars(select(FederatedLink.account_id).where(
            FederatedLink.source == source, FederatedLink.subject == subject)))
