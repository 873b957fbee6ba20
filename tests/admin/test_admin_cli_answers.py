"""``idp admin`` and the dates of ``--json``, as an operator reads them: both languages, the
username (not a UUID), RFC 3339 times with an offset, and a past date called past."""

from __future__ import annotations

import json
import re
from datetime import datetime

from idp.commands import rfc3339

PASSWORD = "Correct-Horse-42-battery\n"
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def _admin(cli, username):
    made = cli("users", "add-admin", "--username", username, "--password-stdin",
               "--name", "管理员", stdin=PASSWORD)
    assert made.exit_code == 0, made.output


def test_grant_role_names_the_account_by_username_in_both_languages_and_as_json(backend, cli):
    _admin(cli, "ops")
    said = cli("admin", "grant-role", "--username", "ops", "--role", "system_admin")
    assert said.exit_code == 0, said.output
    assert said.stdout == "已授予 ops 系统管理员 / granted system administrator to ops\n"
    _admin(cli, "auditor")
    shown = json.loads(cli("admin", "grant-role", "--username", "auditor", "--role",
                           "audit_admin", "--json").stdout)
    assert shown["username"] == "auditor" and shown["role"] == "audit_admin"
    assert len(shown["account_id"]) == 36


def test_a_second_duty_is_refused_in_chinese_first(backend, cli):
    _admin(cli, "sec")
    assert cli("admin", "grant-role", "--username", "sec", "--role",
               "security_admin").exit_code == 0
    refused = cli("admin", "grant-role", "--username", "sec", "--role", "audit_admin")
    assert refused.exit_code == 1
    assert "三员分立" in refused.output and "separation of duties" in refused.output
    assert refused.output.index("三员分立") < refused.output.index("separation of duties")


def test_every_json_time_is_rfc3339_with_an_offset(backend, cli):
    _admin(cli, "keeper")
    listed = json.loads(cli("users", "list", "--json").stdout)
    assert RFC3339.fullmatch(listed[0]["created_at"]), listed[0]["created_at"]
    assert cli("keys", "rotate", "--alg", "ES256").exit_code == 0
    keys = json.loads(cli("keys", "list", "--json").stdout)
    rows = keys if isinstance(keys, list) else keys.get("keys", [])
    assert rows and all(RFC3339.fullmatch(k["created_at"]) for k in rows)
    # A stored time without a zone is a UTC one (SQLite keeps none).
    assert rfc3339(datetime(2026, 12, 6, 23, 58, 7, 458186)) == "2026-12-06T23:58:07Z"


def test_an_agent_grant_ending_in_the_past_says_so(backend, cli):
    from tests.admin.admin_helpers import new_id_number

    cli("users", "add-person", "--username", "boss", "--password-stdin", "--name", "张三",
        "--id-number", new_id_number(), stdin=PASSWORD)
    cli("users", "add-person", "--username", "clerk", "--password-stdin", "--name", "李四",
        "--id-number", new_id_number(), stdin=PASSWORD)
    code = "91350100M000100Y43"
    assert cli("users", "add-legal-person", "--name", "一网科技", "--credit-code", code,
               "--representative", "boss").exit_code == 0
    past = cli("users", "grant-agent", "--credit-code", code, "--username", "clerk",
               "--valid-until", "2020-01-01")
    assert past.exit_code == 1 and "已过" in past.output and "in the past" in past.output


def test_the_clients_commands_answer_in_chinese_first(backend, cli):
    made = cli("clients", "add", "--name", "社保查询", "--redirect-uri",
               "https://si.example.gov.cn/cb")
    assert made.exit_code == 0 and "密钥只显示这一次" in made.stdout
    client_id = made.stdout.split()[1]
    said = cli("clients", "disable", client_id)
    assert said.stdout == f"已停用 {client_id} / {client_id} disabled\n"
    refused = cli("clients", "add", "--name", "社保", "--redirect-uri", "http://example.com/cb")
    assert refused.exit_code == 1 and "回调地址不正确：" in refused.output
    assert "没有 SAML SP / no SAML SPs" in cli("clients", "list-saml").stdout
