"""``idp users``: the commands an operator types, their output, and their refusals."""

import json

import pytest

from idp.accounts.identity_numbers import id_number_check_char

PASSWORD = "correct horse battery\n"


@pytest.fixture
def zhang(cli, new_id_number):
    number = new_id_number()
    result = cli("users", "add-person", "--username", "zhangsan", "--password-stdin",
                 "--name", "张三", "--id-number", number, "--phone", "13800138000",
                 "--level", "2", "--json", stdin=PASSWORD)
    assert result.exit_code == 0, result.output
    return number, json.loads(result.stdout)


def test_adding_a_person_prints_the_account_with_its_id_number_masked(backend, zhang):
    number, shown = zhang
    assert shown["username"] == "zhangsan" and shown["name"] == "张三"
    assert shown["assurance_level"] == 2 and shown["account_class"] == "person"
    assert shown["id_number"] == number[:6] + "********" + number[-4:]
    assert shown["phone"] == "138****8000"


def test_the_list_never_shows_a_clear_id_number(backend, cli, zhang):
    number, _ = zhang
    as_json = cli("users", "list", "--json")
    as_text = cli("users", "list")
    assert as_json.exit_code == as_text.exit_code == 0
    assert [p["username"] for p in json.loads(as_json.stdout)] == ["zhangsan"]
    masked = number[:6] + "********" + number[-4:]
    for output in (as_json.stdout, as_text.stdout):
        assert number not in output and "13800138000" not in output
        assert masked in output


def test_a_legal_person_gets_an_agent_until_a_day_and_loses_it(backend, cli, zhang,
                                                               new_id_number, new_credit_code):
    code = new_credit_code()
    legal = cli("users", "add-legal-person", "--name", "一网科技", "--credit-code", code,
                "--representative", "zhangsan", "--json")
    assert legal.exit_code == 0, legal.output
    assert json.loads(legal.stdout) | {"id": None} == {
        "id": None, "name": "一网科技", "credit_code": code, "status": "active",
        "representative": "zhangsan"}
    cli("users", "add-person", "--username", "clerk", "--password-stdin", "--name", "李四",
        "--id-number", new_id_number(), stdin=PASSWORD)
    grant = cli("users", "grant-agent", "--credit-code", code, "--username", "clerk",
                "--valid-until", "2099-06-30", "--json")
    assert grant.exit_code == 0, grant.output
    shown = json.loads(grant.stdout)
    assert shown["role"] == "agent"
    # The last day is the whole of 30 June in China: until 1 July 00:00 +08:00.
    assert shown["valid_until"] == "2099-06-30T16:00:00Z"  # RFC 3339, as every --json time
    revoke = cli("users", "revoke-agent", "--credit-code", code, "--username", "clerk")
    assert (revoke.exit_code, revoke.stdout) == (0, "revoked 1 authorisation(s)\n")


def test_an_admin_is_added_with_the_admin_policy(backend, cli):
    weak = cli("users", "add-admin", "--username", "ops", "--password-stdin", "--name", "运维",
               stdin=PASSWORD)
    assert weak.exit_code == 1
    assert "weak_password" in weak.output and "3 of" in weak.output
    strong = cli("users", "add-admin", "--username", "ops", "--password-stdin", "--name", "运维",
                 "--json", stdin="Correct-Horse-42\n")
    assert strong.exit_code == 0, strong.output
    assert json.loads(strong.stdout)["account_class"] == "admin"


def checked(first17: str) -> str:
    return first17 + id_number_check_char(first17)


BAD_PERSONS = [
    (["--id-number", "110105194912310021"], PASSWORD, "check character is wrong"),
    (["--id-number", checked("11010520991231002")], PASSWORD, "birth date is in the future"),
    (["--id-number", checked("11010519490231002")], PASSWORD, "not a real date"),
    (["--id-number", checked("11010518991231002")], PASSWORD, "before 1900"),
    (["--id-number", "1101051949"], PASSWORD, "has 18 characters"),
    (["--id-number", "1101051949123100AX"], PASSWORD, "must be digits"),
    (["--phone", "999"], PASSWORD, "invalid_phone"),
    (["--email", "nobody"], PASSWORD, "invalid_email"),
    (["--level", "5"], PASSWORD, "invalid_level"),
    (["--name", " "], PASSWORD, "invalid_name"),
    ([], "password\n", "too common"),
    ([], "short\n", "at least 8"),
    ([], "i am wangwu ok\n", "contain the username"),
    ([], "", "no password"),
]


@pytest.mark.parametrize(("extra", "stdin", "reason"), BAD_PERSONS)
def test_a_bad_person_exits_non_zero_with_its_reason_and_writes_nothing(
    backend, cli, row_counts, new_id_number, extra, stdin, reason
):
    before = row_counts()
    args = ["--username", "wangwu", "--password-stdin", "--name", "王五",
            "--id-number", new_id_number()]
    result = cli("users", "add-person", *args, *extra, stdin=stdin)
    assert result.exit_code == 1
    assert reason in result.output
    assert row_counts() == before


def test_a_password_is_never_taken_from_the_command_line(backend, cli, row_counts,
                                                         new_id_number):
    before = row_counts()
    result = cli("users", "add-person", "--username", "wangwu", "--name", "王五",
                 "--id-number", new_id_number(), stdin=PASSWORD)
    assert result.exit_code == 1 and "--password-stdin" in result.output
    assert row_counts() == before


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["add-person", "--username", "zhangsan", "--password-stdin", "--name", "重名",
          "--id-number", "{new_id}"], "duplicate_username"),
        (["add-person", "--username", "another", "--password-stdin", "--name", "重号",
          "--id-number", "{zhang_id}"], "duplicate_id_number"),
        (["add-legal-person", "--name", "X", "--credit-code", "91350100M000100Y44",
          "--representative", "zhangsan"], "invalid_credit_code"),
        (["add-legal-person", "--name", "X", "--credit-code", "{code}",
          "--representative", "nobody"], "unknown_representative"),
        (["grant-agent", "--credit-code", "{code}", "--username", "zhangsan"],
         "unknown_legal_person"),
        (["revoke-agent", "--credit-code", "{code}", "--username", "zhangsan"],
         "unknown_legal_person"),
    ],
)
def test_each_refusal_names_its_reason_and_leaves_the_counts(
    backend, cli, zhang, row_counts, new_id_number, new_credit_code, args, reason
):
    values = {"new_id": new_id_number(), "zhang_id": zhang[0], "code": new_credit_code()}
    before = row_counts()
    result = cli("users", *[a.format(**values) for a in args], stdin=PASSWORD)
    assert result.exit_code == 1
    assert reason in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert row_counts() == before
