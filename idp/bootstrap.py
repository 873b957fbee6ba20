"""What a server does once before serving: migrate, check the KEK, greet a first start."""

from __future__ import annotations

from idp.services import Services
from idp.settings import Settings


def prepare(settings: Settings) -> None:
    """Migrate the schema and check the KEK (fails with its message), in the master process."""
    services = Services.build(settings)
    services.db.dispose()
