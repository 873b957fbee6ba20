"""Fixtures for key management: a controllable clock and a SigningKeys on the test database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from idp.services import Services
from keys.signing import SigningKeys


@dataclass
class Clock:
    """A clock the test moves by hand (no sleeping)."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def services(settings):
    built = Services.build(settings)
    yield built
    built.db.dispose()


@pytest.fixture
def signing_keys(services, clock) -> SigningKeys:
    """The service on the test's database, reading time from `clock`, seeing changes at once."""
    return SigningKeys(services.db, services.keyring, services.settings, clock=clock,
                       refresh_seconds=0)
