"""The registers as local tables of keyed hashes (the default, and what tests use).

``RegisterIndex`` is HMAC-SHA256 under the keyring's ``register`` data key (its own key, so
the register's hashes cannot be matched against the accounts' blind indexes). Names are
compared after NFC normalisation and trimming, as typed on a page or read from a CSV.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

from sqlalchemy import select

from idp.db import Database
from idp.verification.models import EntityRecord, PopulationRecord
from idp.verification.registers import EntityVerdict, PersonVerdict
from keys.data_keys import Keyring

PERSON = "register.person"
PERSON_NAME = "register.person+name"
ENTITY = "register.entity"
ENTITY_NAME = "register.entity+name"
ENTITY_REPRESENTATIVE = "register.entity+representative"


def clean_name(name: str) -> str:
    return unicodedata.normalize("NFC", name).strip()


class RegisterIndex:
    """HMAC(key, context, parts...) with the parts separated by NUL (no part holds one)."""

    def __init__(self, keyring: Keyring) -> None:
        self._key = keyring.key("register")[1]

    def __call__(self, context: str, *parts: str) -> str:
        message = "\x00".join((context, *parts)).encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def person(self, id_number: str, name: str) -> PopulationRecord:
        return PopulationRecord(id_number_index=self(PERSON, id_number),
                                record_index=self(PERSON_NAME, id_number, clean_name(name)))

    def entity(self, credit_code: str, name: str, representative: str) -> EntityRecord:
        return EntityRecord(
            credit_code_index=self(ENTITY, credit_code),
            name_index=self(ENTITY_NAME, credit_code, clean_name(name)),
            representative_index=self(ENTITY_REPRESENTATIVE, credit_code, representative),
        )


class LocalPopulationRegister:
    name = "local"

    def __init__(self, db: Database, index: RegisterIndex) -> None:
        self.db, self.index = db, index

    def check(self, id_number: str, name: str) -> PersonVerdict:
        wanted = self.index.person(id_number, name)
        with self.db.session() as session:
            row = session.get(PopulationRecord, wanted.id_number_index)
        if row is None:
            return PersonVerdict.UNKNOWN
        if not hmac.compare_digest(row.record_index, wanted.record_index):
            return PersonVerdict.NAME_MISMATCH
        return PersonVerdict.MATCH


class LocalEntityRegister:
    name = "local"

    def __init__(self, db: Database, index: RegisterIndex) -> None:
        self.db, self.index = db, index

    def check(self, credit_code: str, name: str, representative_id_number: str) -> EntityVerdict:
        wanted = self.index.entity(credit_code, name, representative_id_number)
        with self.db.session() as session:
            row = session.scalar(select(EntityRecord).where(
                EntityRecord.credit_code_index == wanted.credit_code_index))
        if row is None:
            return EntityVerdict.UNKNOWN
        if not hmac.compare_digest(row.name_index, wanted.name_index):
            return EntityVerdict.NAME_MISMATCH
        if not hmac.compare_digest(row.representative_index, wanted.representative_index):
            return EntityVerdict.NOT_REPRESENTATIVE
        return EntityVerdict.MATCH
