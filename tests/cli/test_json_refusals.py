"""With --json, every refusal of every command is one JSON object on stdout and exit status 1:
{"error": "<code>", "message": "..."}; a script reading JSON never has to parse `Error: ...`
on stderr. Usage errors too, when --json is given."""

from __future__ import annotations

import json

import pytest

PASSWORD = "correct horse battery\n"
BAD_ID = "110105194912310021"  # wrong check character (GB 11643)
CODE = "91350100M000100Y43"  # a valid unified social credit code, registered to nobody

# (arguments, standard input, environment overrides, the expected error code)
REFUSALS = [
    (["users", "add-person", "--username", "wangwu", "--name", "王五", "--id-number", BAD_ID],
     None, {}, "invalid_request"),  # no --password-stdin
    (["users", "add-person", "--username", "wangwu", "--password-stdin", "--name", "王五",
      "--id-number", BAD_ID], PASSWORD, {}, "invalid_id_number"),
    (["users", "add-admin", "--username", "ops", "--password-stdin", "--name", "运维"],
     PASSWORD, {}, "weak_password"),
    (["users", "add-legal-person", "--name", "某公司", "--credit-code", CODE,
      "--representative", "nobody"], None, {}, "unknown_representative"),
    (["users", "grant-agent", "--credit-code", CODE, "--username", "nobody"], None, {},
     "unknown_legal_person"),
    (["users", "revoke-agent", "--credit-code", CODE, "--username", "nobody"], None, {},
     "unknown_legal_person"),
    (["users", "list", "--limit", "many"], None, {}, "usage_error"),
    (["keys", "list"], None, {"IDP_KEK": "not base64!"}, "invalid_settings"),
    (["keys", "rotate", "--alg", "none"], None, {}, "usage_error"),
    (["keys", "import-cert", "--cert-file", "{junk}", "--key-file", "{junk}"], None, {},
     "invalid_certificate"),
    (["audit", "verify", "--from", "yesterday"], None, {}, "invalid_request"),
    (["audit", "maintain"], None, {"IDP_KEK": "not base64!"}, "invalid_settings"),
    (["audit", "prune"], None, {"IDP_KEK": "not base64!"}, "invalid_settings"),
    (["clients", "add", "--name", "社保", "--redirect-uri", "http://example.com/cb"], None, {},
     "invalid_redirect_uri"),
    (["clients", "list"], None, {"IDP_KEK": "not base64!"}, "invalid_settings"),
    (["clients", "show", "nope"], None, {}, "not_found"),
    (["clients", "rotate-secret", "nope"], None, {}, "invalid_client_id"),
    (["clients", "disable", "nope"], None, {}, "invalid_client_id"),
    (["clients", "enable", "nope"], None, {}, "invalid_client_id"),
    (["clients", "delete", "nope", "--yes"], None, {}, "invalid_client_id"),
    (["clients", "disable-saml", "https://sp.example/none"], None, {}, "not_found"),
    (["clients", "initial-access-token", "--ttl", "0"], None, {}, "usage_error"),
    (["clients", "add-saml", "--metadata-file", "{junk}"], None, {}, "invalid_metadata"),
    (["clients", "list-saml"], None, {"IDP_KEK": "not base64!"}, "invalid_settings"),
    (["admin", "roles", "--username", "nobody"], None, {}, "not_found"),
    (["admin", "grant-role", "--username", "nobody", "--role", "audit_admin"], None, {},
     "not_found"),
    (["admin", "revoke-role", "--username", "nobody", "--role", "audit_admin"], None, {},
     "not_found"),
    (["admin", "roles"], None, {}, "usage_error"),  # neither --username nor --account-id
    (["clients", "show"], None, {}, "usage_error"),  # a missing argument
    (["store", "purge"], None, {}, "usage_error"),  # a command without --json
    (["no-such-command"], None, {}, "usage_error"),
]


@pytest.mark.parametrize("args, stdin, env, code", REFUSALS,
                         ids=[" ".join(case[0][:2]) + f" -> {case[3]}" for case in REFUSALS])
def test_a_refusal_with_json_is_one_json_object_on_stdout(cli, tmp_path, args, stdin, env,
                                                          code):
    junk = tmp_path / "junk.txt"
    junk.write_text("not a certificate, a key or metadata\n")
    result = cli(*[a.format(junk=junk) for a in args], "--json", stdin=stdin, **env)
    assert result.exit_code == 1
    answer = json.loads(result.stdout)
    assert answer == {"error": code, "message": answer["message"]}
    assert answer["message"] and "\n" not in answer["message"]
    assert "Error:" not in result.stderr


def test_the_refusal_message_is_the_public_description(cli):
    result = cli("users", "add-person", "--username", "wangwu", "--password-stdin",
                 "--name", "王五", "--id-number", BAD_ID, "--json", stdin=PASSWORD)
    # The description alone: the code is the "error" member (the text form reads "code: ...").
    assert json.loads(result.stdout)["message"] == (
        "身份证号码校验码错误 / The ID number's check character is wrong")


def test_without_json_a_refusal_stays_one_line_on_stderr(cli):
    result = cli("clients", "show", "nope")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip() == "Error: 没有该应用 / no client 'nope'"


def test_json_after_a_double_dash_is_an_argument_not_the_option(cli):
    result = cli("clients", "show", "--", "--json")
    assert result.exit_code == 1 and result.stderr.startswith("Error:")
