"""The app's long-lived parts, built once by ``create_app`` and kept in ``app.extensions``."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from clients.generation import announce_changes
from idp.accounts.passwords import Passwords
from idp.audit.group import GroupCommit
from idp.audit.partitions import ensure_partitions
from idp.db import Database
from idp.settings import Settings
from idp.sso.session import SessionService
from idp.store import Store, make_store
from keys.data_keys import Keyring
from keys.kek import load_kek
from keys.private_files import private_dir, private_sqlite_file
from keys.sealing import BlindIndex, FieldCipher
from keys.signing import SigningKeys


@dataclass
class Services:
    settings: Settings
    db: Database
    store: Store
    keyring: Keyring
    cipher: FieldCipher
    blind_index: BlindIndex
    sessions: SessionService
    passwords: Passwords  # argon2id at the settings' cost (idp.accounts)
    signing_keys: SigningKeys  # JWT signing/verifying, JWKS, SAML cert (keys.signing)
    # Audit events that are the only write of their request (token issue, login, assertion):
    # group-committed, each durable before its caller returns (idp.audit.group).
    audit_batch: GroupCommit

    @classmethod
    def build(cls, settings: Settings, *, upgrade: bool = True) -> Services:
        """Open the database (migrating it), the Store and the keyring; KekError on a wrong KEK."""
        private_dir(settings.data_dir)  # 0700, and the embedded database 0600
        private_sqlite_file(settings.resolved_database_url)
        db = Database(settings.resolved_database_url, timeout=settings.db_timeout_seconds)
        if upgrade:
            db.upgrade()
            ensure_partitions(db)  # the audit table's coming months (PostgreSQL)
        keyring = Keyring(db, load_kek(settings))
        keyring.check()
        store = make_store(settings, db)
        announce_changes(db, store)  # every node's client cache sees a change at once
        return cls(
            settings=settings,
            db=db,
            store=store,
            keyring=keyring,
            cipher=FieldCipher(keyring),
            blind_index=BlindIndex(keyring),
            sessions=SessionService(store, settings),
            passwords=Passwords(settings),
            signing_keys=SigningKeys(db, keyring, settings),
            audit_batch=GroupCommit(db),
        )


def services() -> Services:
    """The services of the app handling the current request or CLI command."""
    return current_app.extensions["yiwang"]
