"""``idp verifier``: filling the local population and legal-entity registers from CSV."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import click

from idp.commands import CliError, emit, with_services
from idp.verification.imports import ImportRefused, import_entities, import_population

if TYPE_CHECKING:
    from idp.services import Services


@click.group()
def verifier() -> None:
    """The local registers real-name verification and company registration check."""


def _run(operation, services: Services, path: str, as_json: bool, what: str) -> None:
    try:
        result = operation(services, Path(path))
    except ImportRefused as error:
        raise CliError(f"nothing imported: {error}", code="invalid_file",
                       description=f"nothing imported: {error}") from None
    emit(asdict(result), as_json,
         f"{what}: {result.rows} rows ({result.added} added, {result.changed} changed, "
         f"{result.unchanged} unchanged)")


@verifier.command("import")
@click.option("--csv", "path", required=True, type=click.Path(dir_okay=False),
              help="UTF-8 CSV with the header id_number,name")
@click.option("--json", "as_json", is_flag=True)
@with_services
def import_people(services: Services, path: str, as_json: bool) -> None:
    """Import the population register (stored as keyed hashes only)."""
    _run(import_population, services, path, as_json, "population register")


@verifier.command("import-entities")
@click.option("--csv", "path", required=True, type=click.Path(dir_okay=False),
              help="UTF-8 CSV with the header credit_code,name,representative_id_number")
@click.option("--json", "as_json", is_flag=True)
@with_services
def import_companies(services: Services, path: str, as_json: bool) -> None:
    """Import the legal-entity register (stored as keyed hashes only)."""
    _run(import_entities, services, path, as_json, "legal-entity register")
