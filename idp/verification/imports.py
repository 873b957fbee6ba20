"""Filling the local registers from CSV files (``idp verifier import`` / ``import-entities``).

The whole file is checked before anything is written: any bad row refuses the import with its
line number, and the rows go in one transaction, so a register is never half-imported.
Importing the same file again changes nothing (rows are keyed by the hash of the number or
code, and an imported row is replaced by the newer one).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from idp.accounts import inputs
from idp.accounts.errors import AccountError
from idp.verification.local_registers import RegisterIndex, clean_name
from idp.verification.models import EntityRecord, PopulationRecord

if TYPE_CHECKING:
    from idp.services import Services

PERSON_COLUMNS = ("id_number", "name")
ENTITY_COLUMNS = ("credit_code", "name", "representative_id_number")
MAX_BAD_LINES = 20  # how many bad lines a refusal lists


class ImportRefused(ValueError):
    """The file was refused; ``problems`` are (line number, reason), nothing was written."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems[:MAX_BAD_LINES]
        shown = "; ".join(f"line {line}: {reason}" for line, reason in self.problems)
        super().__init__(f"{len(problems)} bad line(s): {shown}")


@dataclass(frozen=True)
class ImportResult:
    rows: int
    added: int
    changed: int
    unchanged: int


def import_population(services: Services, path: Path) -> ImportResult:
    index = RegisterIndex(services.keyring)

    def row(values: dict[str, str]) -> PopulationRecord:
        return index.person(inputs.id_number(values["id_number"]),
                            clean_name(inputs.person_name(values["name"])))

    return _import(services, path, PERSON_COLUMNS, row, PopulationRecord)


def import_entities(services: Services, path: Path) -> ImportResult:
    index = RegisterIndex(services.keyring)

    def row(values: dict[str, str]) -> EntityRecord:
        return index.entity(inputs.credit_code(values["credit_code"]),
                            clean_name(inputs.person_name(values["name"], limit=200)),
                            inputs.id_number(values["representative_id_number"]))

    return _import(services, path, ENTITY_COLUMNS, row, EntityRecord)


def _import(services: Services, path: Path, columns: tuple[str, ...],
            make: Callable[[dict[str, str]], PopulationRecord | EntityRecord],
            model: type[PopulationRecord] | type[EntityRecord]) -> ImportResult:
    records = _parse(_read(path), columns, make)
    added = changed = 0
    with services.db.begin() as session:
        for key, record in records.items():
            old = session.get(model, key)
            if old is None:
                session.add(record)
                added += 1
            elif _hashes(old) != _hashes(record):
                session.merge(record)
                changed += 1
    return ImportResult(len(records), added, changed, len(records) - added - changed)


def _read(path: Path) -> Iterable[list[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM from spreadsheet exports is fine
    except (OSError, UnicodeDecodeError) as error:
        raise ImportRefused([(0, f"cannot read the file as UTF-8: {error.__class__.__name__}")]
                            ) from None
    return csv.reader(io.StringIO(text, newline=""))


def _parse(lines: Iterable[list[str]], columns: tuple[str, ...], make) -> dict[str, object]:
    reader = iter(lines)
    header = [name.strip() for name in next(reader, [])]
    if tuple(header) != columns:
        raise ImportRefused([(1, f"the header must be {','.join(columns)}")])
    records: dict[str, object] = {}
    problems: list[tuple[int, str]] = []
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue  # blank line
        if len(values) != len(columns):
            problems.append((number, f"{len(values)} columns, expected {len(columns)}"))
            continue
        try:
            record = make(dict(zip(columns, values, strict=True)))
        except AccountError as error:
            problems.append((number, error.code))  # never the value: it may be an ID number
            continue
        key = _key(record)
        if key in records and _hashes(records[key]) != _hashes(record):
            problems.append((number, "the same number twice with different data"))
        records[key] = record
    if problems:
        raise ImportRefused(problems)
    return records


def _key(record) -> str:
    return record.id_number_index if isinstance(record, PopulationRecord) \
        else record.credit_code_index


def _hashes(record) -> tuple[str, ...]:
    if isinstance(record, PopulationRecord):
        return (record.record_index,)
    return (record.name_index, record.representative_index)
