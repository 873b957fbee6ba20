"""The ``idp`` command: one click group; each package adds its own sub-group.

The helpers every command uses (``CliError``, ``emit``, ``with_services``) live below the
packages in ``idp.commands``; this entry point wires the groups and tells ``with_services``
how to build the app's Services.
"""

from __future__ import annotations

import logging
import os

import click

from idp.commands import CliError, JsonAwareGroup, Wiring
from idp.log_format import configure as configure_logging
from idp.settings import Settings, SettingsError


def _build_services(settings: Settings):
    from idp.services import Services

    return Services.build(settings)


@click.group(cls=JsonAwareGroup, help="Yiwang (一网) identity provider.",
             context_settings={"obj": Wiring(build_services=_build_services)})
@click.option("--verbose", "-v", is_flag=True, help="Log at DEBUG level.")
def idp(verbose: bool) -> None:
    # Before the settings are read (reading them may log): IDP_LOG_FORMAT straight from the
    # environment; Settings still refuses a value other than text or json.
    configure_logging(os.environ.get("IDP_LOG_FORMAT", "text"),
                      logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("alembic").setLevel(logging.DEBUG if verbose else logging.WARNING)


@idp.command()
@click.option("--bind", "-b", default="127.0.0.1:8000", show_default=True, help="host:port")
@click.option("--workers", "-w", default=0, show_default="one per core",
              help="worker processes")
@click.option("--threads", default=4, show_default=True,
              help="requests each worker runs at once")
@click.option("--server", type=click.Choice(["granian", "gunicorn"]), default="granian",
              show_default=True, help="HTTP front (gunicorn gthread kept for comparison)")
@click.option("--body-waiters", default=0, show_default=True,
              help="extra threads per worker that only wait for slow request bodies (for a "
                   "node with no balancer taking requests whole in front)")
@click.option("--header-timeout", default=10.0, show_default=True,
              help="seconds a client has to send its whole request head")
@click.option("--access-log/--no-access-log", default=True, show_default=True,
              help="one line per request on stdout (benchmarks turn it off)")
def serve(bind: str, workers: int, threads: int, server: str, body_waiters: int,
          header_timeout: float, access_log: bool) -> None:
    """Serve the IdP (granian by default; stops cleanly on SIGTERM, in-flight requests end)."""
    from idp.server import ServeOptions
    from idp.server import serve as run_server

    options = ServeOptions(bind=bind, workers=workers, threads=threads, access_log=access_log,
                           server=server, header_timeout=header_timeout,
                           body_waiters=body_waiters)
    try:
        run_server(Settings.from_env(), options)
    except SettingsError as exc:
        raise CliError(str(exc), code="invalid_settings") from exc


@idp.group()
def db() -> None:
    """The SQL database."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending Alembic migration."""
    from idp.db import Database
    from keys.private_files import private_dir, private_sqlite_file

    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        raise CliError(str(exc), code="invalid_settings") from exc
    private_dir(settings.data_dir)  # 0700, and the embedded database 0600
    private_sqlite_file(settings.resolved_database_url)
    database = Database(settings.resolved_database_url)
    database.upgrade()
    database.dispose()
    click.echo("database is up to date")


def _add_subcommands() -> None:
    # Each package owns its commands; they are attached here so `idp --help` lists all.
    from admin.roles_cli import admin
    from clients.cli import clients
    from federation.cli import federation
    from idp.accounts.cli import users
    from idp.audit.cli import audit
    from idp.demo.cli import demo
    from idp.store.cli import store
    from idp.verification.cli import verifier
    from keys.cli import keys

    for group in (store, users, verifier, keys, audit, clients, federation, admin, demo):
        idp.add_command(group)
    from idp.saml.cli import attach as attach_saml  # add-saml, list-saml, disable-saml

    attach_saml(clients)
    from idp.privacy.cli import purge_deleted_command  # the erasure job, beside the accounts

    users.add_command(purge_deleted_command)


_add_subcommands()


def main() -> None:
    idp(prog_name="idp")
