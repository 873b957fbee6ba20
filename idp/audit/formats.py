"""Export formats: JSON Lines (one event per line, for a SIEM) and CSV (for spreadsheets)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from idp.audit.query import FIELDS

FORMATS = ("csv", "jsonl")
# A spreadsheet runs a cell starting with these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def jsonl_lines(records: Iterable[dict]) -> Iterator[str]:
    for record in records:
        yield json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def csv_lines(records: Iterable[dict]) -> Iterator[str]:
    """A header, then one row per event; ``detail`` as JSON text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIELDS)
    yield buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for record in records:
        writer.writerow([_cell(record[name]) for name in FIELDS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def lines(fmt: str, records: Iterable[dict]) -> Iterator[str]:
    return csv_lines(records) if fmt == "csv" else jsonl_lines(records)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text
