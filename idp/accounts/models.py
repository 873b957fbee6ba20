"""Tables of real-name accounts: persons, legal persons, and who may act for which.

Personal data (ID number, phone, e-mail, address) is stored only sealed (AES-GCM, see
``keys/sealing.py``); ID number, phone and e-mail are found through keyed blind indexes.
Enum-valued columns hold the enum's string value (``idp.accounts.enums``).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from idp.accounts.enums import AccountClass, AuthorisationRole, LegalPersonStatus
from idp.db import Base, utcnow

# Contexts bind each sealed value and index to its column (a value moved elsewhere won't open).
ID_NUMBER = "person.id_number"
PHONE = "person.phone"
EMAIL = "person.email"
ADDRESS = "person.address"


def new_id() -> str:
    return str(uuid.uuid4())


class Person(Base):
    """A citizen or an administrator who logs in with a username and password."""

    __tablename__ = "persons"
    __table_args__ = (
        CheckConstraint("assurance_level BETWEEN 1 AND 3", name="assurance_level"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(64), unique=True)  # lower-case
    account_class: Mapped[str] = mapped_column(String(16), default=AccountClass.PERSON.value)
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str] = mapped_column(String(128))
    id_number_sealed: Mapped[str | None] = mapped_column(Text)
    id_number_index: Mapped[str | None] = mapped_column(String(64), unique=True)
    phone_sealed: Mapped[str | None] = mapped_column(Text)
    phone_index: Mapped[str | None] = mapped_column(String(64), index=True)
    email_sealed: Mapped[str | None] = mapped_column(Text)
    email_index: Mapped[str | None] = mapped_column(String(64), index=True)
    address_sealed: Mapped[str | None] = mapped_column(Text)  # sealed JSON object
    assurance_level: Mapped[int] = mapped_column(Integer, default=1)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the person proved the phone with an SMS code (self sign-up); None: never proved.
    phone_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # PIPL art. 14 (consent given in full knowledge): which privacy notice, accepted when.
    privacy_notice_version: Mapped[str | None] = mapped_column(String(32))
    privacy_notice_accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    @property
    def is_admin(self) -> bool:
        return self.account_class == AccountClass.ADMIN


class LegalPerson(Base):
    """A company or institution (法人), identified by its public unified social credit code."""

    __tablename__ = "legal_persons"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=LegalPersonStatus.ACTIVE.value)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Authorisation(Base):
    """A person may act for a legal person, as representative or agent, within a period."""

    __tablename__ = "authorisations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    legal_person_id: Mapped[str] = mapped_column(ForeignKey("legal_persons.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=AuthorisationRole.AGENT.value)
    valid_from: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    valid_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    granted_by: Mapped[str] = mapped_column(String(64))  # a username, or "system"
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(64))
