"""`idp verifier import` and `import-entities`: the whole file or nothing, bad lines named,
the same file twice changes nothing; on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, text

from idp.verification.models import EntityRecord, PopulationRecord
from tests.real_name.conftest import new_credit_code, new_id_number


def rows(svc, model) -> int:
    with svc.db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_population_file_imports_as_keyed_hashes_and_again_changes_nothing(
    backend, cli, svc, tmp_path
):
    people = [(new_id_number(), "王小明"), (new_id_number().lower(), " 李四 ")]
    path = tmp_path / "people.csv"
    path.write_text("id_number,name\n" + "".join(f"{n},{m}\n" for n, m in people) + "\n")
    first = cli("verifier", "import", "--csv", str(path), "--json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.output) == {"rows": 2, "added": 2, "changed": 0, "unchanged": 0}
    again = cli("verifier", "import", "--csv", str(path), "--json")
    assert json.loads(again.output) == {"rows": 2, "added": 0, "changed": 0, "unchanged": 2}
    assert rows(svc, PopulationRecord) == 2
    with svc.db.engine.connect() as conn:
        stored = str(list(conn.execute(text("SELECT * FROM population_register"))))
    for number, name in people:
        assert number.upper() not in stored and name.strip() not in stored
    text_out = cli("verifier", "import", "--csv", str(path))
    assert "2 rows (0 added, 0 changed, 2 unchanged)" in text_out.output


def test_a_changed_name_replaces_the_register_row(cli, svc, tmp_path):
    number = new_id_number()
    path = tmp_path / "people.csv"
    path.write_text(f"id_number,name\n{number},王小明\n")
    cli("verifier", "import", "--csv", str(path))
    path.write_text(f"id_number,name\n{number},王晓明\n")
    answer = json.loads(cli("verifier", "import", "--csv", str(path), "--json").output)
    assert answer == {"rows": 1, "added": 0, "changed": 1, "unchanged": 0}


@pytest.mark.parametrize(("body", "lines"), [
    ("name,id_number\n", ["line 1: the header must be id_number,name"]),
    ("id_number,name\n{good},王小明\n110105194912310021,张三\n{good2}\n",
     ["line 3: invalid_id_number", "line 4: 1 columns, expected 2"]),
    ("id_number,name\n{good},\n", ["line 2: invalid_name"]),
    ("id_number,name\n{good},王小明\n{good},王大明\n",
     ["line 3: the same number twice with different data"]),
])
def test_a_file_with_bad_lines_is_refused_whole_naming_them(
    backend, cli, svc, tmp_path, body, lines
):
    path = tmp_path / "people.csv"
    path.write_text(body.format(good=new_id_number(), good2=new_id_number()))
    refused = cli("verifier", "import", "--csv", str(path), "--json")
    assert refused.exit_code == 1
    answer = json.loads(refused.output)
    assert answer["error"] == "invalid_file"
    for line in lines:
        assert line in answer["message"]
    assert "110105194912310021" not in answer["message"]  # never the value
    assert rows(svc, PopulationRecord) == 0


def test_an_entity_file_imports_once_and_refuses_bad_codes(backend, cli, svc, tmp_path):
    code, rep = new_credit_code(), new_id_number()
    path = tmp_path / "entities.csv"
    path.write_text("credit_code,name,representative_id_number\n"
                    f"{code},杭州示例科技有限公司,{rep}\n")
    first = json.loads(cli("verifier", "import-entities", "--csv", str(path), "--json").output)
    assert first == {"rows": 1, "added": 1, "changed": 0, "unchanged": 0}
    again = json.loads(cli("verifier", "import-entities", "--csv", str(path), "--json").output)
    assert again["unchanged"] == 1 and rows(svc, EntityRecord) == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("credit_code,name,representative_id_number\n"
                   f"{new_credit_code()},新公司,{new_id_number()}\n"
                   f"{code[:-1]}{'1' if code[-1] != '1' else '2'},坏公司,{rep}\n"
                   f"{new_credit_code()},坏代表人公司,12345\n")
    refused = json.loads(cli("verifier", "import-entities", "--csv", str(bad), "--json").output)
    assert refused["error"] == "invalid_file"
    assert "line 3: invalid_credit_code" in refused["message"]
    assert "line 4: invalid_id_number" in refused["message"]
    assert rows(svc, EntityRecord) == 1  # the good first line was not imported either


def test_a_missing_or_non_utf8_file_is_refused(cli, tmp_path):
    missing = cli("verifier", "import", "--csv", str(tmp_path / "none.csv"), "--json")
    assert json.loads(missing.output)["error"] == "invalid_file"
    latin = tmp_path / "gbk.csv"
    latin.write_bytes("id_number,name\n11010519491231002X,王小明\n".encode("gbk"))
    refused = cli("verifier", "import", "--csv", str(latin), "--json")
    assert "UTF-8" in json.loads(refused.output)["message"]
