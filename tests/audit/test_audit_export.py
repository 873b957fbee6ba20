"""Exports and console pages return exactly the events a filter matches, page by page."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from idp.audit.formats import csv_lines
from idp.audit.query import AuditFilter, Cursor, export, search
from tests.audit.audit_helpers import write_event

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def events(db) -> dict[str, int]:
    """A small log: two accounts, two IPs, two clients, successes and failures, over 40 days."""
    spec = {
        "old-a-fail": (40, dict(account_id="a", ip="198.51.100.1", outcome="failure")),
        "a-fail": (10, dict(account_id="a", ip="198.51.100.1", outcome="failure")),
        "a-ok": (9, dict(account_id="a", ip="198.51.100.2", client_id="tax")),
        "b-fail": (8, dict(account_id="b", ip="198.51.100.1", outcome="failure",
                           username="=HYPERLINK(\"x\")")),
        "b-token": (7, dict(account_id="b", ip="198.51.100.2", client_id="tax",
                            type="token.issue", detail={"scope": "openid"})),
        "b-ok": (1, dict(account_id="b", ip="198.51.100.2", client_id="health")),
    }
    return {name: write_event(db, NOW - timedelta(days=days), **fields)
            for name, (days, fields) in spec.items()}


def _ids(records) -> list[int]:
    return [r["id"] for r in records]


def test_export_by_account_over_30_days_gives_exactly_its_events(backend, db, events):
    chosen = AuditFilter(account_id="a", since=NOW - timedelta(days=30))
    assert _ids(export(db, chosen)) == [events["a-fail"], events["a-ok"]]


@pytest.mark.parametrize(("fields", "names"), [
    ({"ip": "198.51.100.1"}, ["old-a-fail", "a-fail", "b-fail"]),
    ({"client_id": "tax"}, ["a-ok", "b-token"]),
    ({"type": "login", "outcome": "failure"}, ["old-a-fail", "a-fail", "b-fail"]),
    ({"type": "token.issue"}, ["b-token"]),
    ({"account_id": "b", "outcome": "success"}, ["b-token", "b-ok"]),
    ({"until": NOW - timedelta(days=8, hours=1)}, ["old-a-fail", "a-fail", "a-ok"]),
    ({"account_id": "nobody"}, []),
])
def test_each_filter_selects_exactly_its_events(db, events, fields, names):
    assert _ids(export(db, AuditFilter(**fields))) == [events[n] for n in names]


def test_export_walks_batches_without_losing_or_repeating_events(backend, db, events):
    assert _ids(export(db, AuditFilter(), batch=2)) == sorted(events.values())


def test_jsonl_export_from_the_cli_writes_one_event_per_line(backend, db, events, cli, tmp_path):
    out = tmp_path / "audit.jsonl"
    result = cli("audit", "export", "--format", "jsonl", "--account", "b", "--client", "tax",
                 "--output", str(out))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert _ids(lines) == [events["b-token"]]
    assert lines[0]["detail"] == {"scope": "openid"}
    assert lines[0]["at"].endswith("Z") and len(lines[0]["hash"]) == 64


def test_csv_export_from_the_cli_filters_and_defuses_formulas(backend, db, events, cli, tmp_path):
    out = tmp_path / "audit.csv"
    since = (NOW - timedelta(days=30)).date().isoformat()
    result = cli("audit", "export", "--format", "csv", "--from", since, "--type", "login",
                 "--outcome", "failure", "--ip", "198.51.100.1", "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [int(r["id"]) for r in rows] == [events["a-fail"], events["b-fail"]]
    assert rows[1]["username"] == "'=HYPERLINK(\"x\")"  # a spreadsheet shows it, never runs it


def test_an_export_is_itself_audited(db, events, cli):
    cli("audit", "export", "--account", "a")
    last = list(export(db, AuditFilter(type="audit.export")))
    assert last[-1]["detail"] == {"filter": {"account_id": "a"}, "format": "jsonl", "events": 3}


def test_csv_of_no_events_is_just_the_header():
    assert list(csv_lines([])) == ["id,at,type,outcome,account_id,username,client_id,ip,"
                                   "user_agent,detail,lane,prev_hash,hash\n"]


def test_console_pages_come_newest_first_and_chain_by_cursor(backend, db, events):
    seen, after = [], None
    with db.session() as session:
        while True:
            page = search(session, AuditFilter(), after=after, limit=4)
            seen.append([e.id for e in page.events])
            if page.next is None:
                break
            after = Cursor.parse(page.next.token)  # as the page's "next" link carries it
    newest_first = sorted(events.values(), reverse=True)
    assert seen == [newest_first[:4], newest_first[4:]]


def test_events_of_the_same_microsecond_are_neither_skipped_nor_repeated(backend, db):
    ids = [write_event(db, NOW, account_id="same") for _ in range(5)]
    seen, after = [], None
    with db.session() as session:
        for _ in range(5):
            page = search(session, AuditFilter(account_id="same"), after=after, limit=2)
            seen += [e.id for e in page.events]
            after = page.next
            if after is None:
                break
    assert seen == sorted(ids, reverse=True)


@pytest.mark.parametrize("token", ["", "abc", "20260101T000000000000.x", "2026.5", "x.5"])
def test_a_forged_cursor_is_refused(token):
    with pytest.raises(ValueError):  # noqa: PT011 - the console turns it into a 400
        Cursor.parse(token)
