"""The app's long-lived parts, built once by ``create_app`` and kept in ``app.extensions``."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from idp.db import Database
from idp.settings import Settings
from idp.store import Store, make_store
from keys.data_keys import Keyring
from keys.kek import load_kek
from keys.sealing import BlindIndex, FieldCipher


@dataclass
class Services:
    settings: Settings
    db: Database
    store: Store
    keyring: Keyring
    cipher: FieldCipher
    blind_index: BlindIndex

    @classmethod
    def build(cls, settings: Settings, *, upgrade: bool = True) -> Services:
        """Open the database (migrating it), the Store and the keyring; KekError on a wrong KEK."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        db = Database(settings.resolved_database_url)
        if upgrade:
            db.upgrade()
        keyring = Keyring(db, load_kek(settings))
        keyring.check()
        return cls(
            settings=settings,
            db=db,
            store=make_store(settings, db),
            keyring=keyring,
            cipher=FieldCipher(keyring),
            blind_index=BlindIndex(keyring),
        )


def services() -> Services:
    """The services of the app handling the current request or CLI command."""
    return current_app.extensions["yiwang"]
