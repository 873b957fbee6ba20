"""``idp store``: housekeeping of the ephemeral Store."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from idp.commands import with_services

if TYPE_CHECKING:
    from idp.services import Services


@click.group()
def store() -> None:
    """The ephemeral Store (sessions, codes, counters)."""


@store.command()
@with_services
def purge(services: Services) -> None:
    """Remove expired entries (SQL backend; Redis expires them itself)."""
    purge_expired = getattr(services.store, "purge", None)
    click.echo(f"removed {purge_expired() if purge_expired else 0} expired entries")
