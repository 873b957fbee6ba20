"""``idp federation add-ldap|list|show|test|disable``: directories registered by CLI, their bind
password read from stdin, stored sealed and never printed."""

from __future__ import annotations

import json

from sqlalchemy import select

from federation.models import BIND_PASSWORD, Directory
from idp.audit import AuditEvent
from tests.conftest import free_port
from tests.federation_ldap.slapd_servers import SERVICE_PASSWORD


def add_args(slapd, *extra: str) -> list[str]:
    args = ["federation", "add-ldap", "--name", slapd.name, "--department", "省公安厅"]
    for url in slapd.urls:
        args += ["--url", url]
    return [*args, "--bind-dn", slapd.service_dn, "--bind-password-stdin",
            "--user-base", f"ou=people,{slapd.suffix}",
            "--user-filter", "(objectClass=inetOrgPerson)",
            "--group-base", f"ou=groups,{slapd.suffix}", "--map", "username=uid",
            "--map", "employee_number=employeeNumber", "--group-role", "leaders=department_admin",
            "--timeout", "2", *extra, "--json"]


def test_add_ldap_stores_the_bind_password_sealed_and_never_prints_it(cli, db, svc, gongan):
    added = cli(*add_args(gongan), stdin=SERVICE_PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    data = json.loads(added.output)
    assert data["name"] == "gongan" and data["urls"] == gongan.urls and not data["disabled"]
    assert data["group_roles"] == {"leaders": "department_admin"}
    with db.session() as session:
        row = session.scalar(select(Directory).where(Directory.name == "gongan"))
        events = session.scalars(select(AuditEvent).where(AuditEvent.type == "admin.action"))
        assert any(e.detail.get("action") == "directory.add" for e in events)
    assert SERVICE_PASSWORD not in row.bind_password_sealed
    assert svc.cipher.open(row.bind_password_sealed, BIND_PASSWORD) == SERVICE_PASSWORD
    for command in (("list",), ("show", "gongan")):
        shown = cli("federation", *command, "--json")
        assert shown.exit_code == 0 and "gongan" in shown.output
        assert SERVICE_PASSWORD not in shown.output and "bind_password" not in shown.output


def test_test_binds_and_reports_what_one_search_found(cli, gongan):
    cli(*add_args(gongan), stdin=SERVICE_PASSWORD + "\n")
    tested = cli("federation", "test", "gongan", "--json")
    assert tested.exit_code == 0, tested.output
    report = json.loads(tested.output)
    assert report["ok"] and report["entries"] == 5  # at most 5: one page, cheaply
    assert report["sample"].endswith("ou=people,dc=gongan,dc=gov,dc=cn")


def test_test_says_why_not_when_the_service_password_is_wrong(cli, gongan):
    cli(*add_args(gongan), stdin="not the password\n")
    tested = cli("federation", "test", "gongan", "--json")
    assert tested.exit_code == 1
    answer = json.loads(tested.output)
    assert answer["error"] == "unavailable" and "refused" in answer["message"]
    assert "not the password" not in tested.output


def test_test_says_why_not_when_no_url_answers(cli, gongan):
    gongan_down = type(gongan)(gongan.name, gongan.suffix,
                               [f"ldap://127.0.0.1:{free_port()}/"], gongan.process)
    cli(*add_args(gongan_down), stdin=SERVICE_PASSWORD + "\n")
    tested = cli("federation", "test", "gongan", "--json")
    assert tested.exit_code == 1 and "SERVER_DOWN" in json.loads(tested.output)["message"]


def test_disable_marks_the_directory_and_list_shows_it(cli, gongan):
    cli(*add_args(gongan), stdin=SERVICE_PASSWORD + "\n")
    assert cli("federation", "disable", "gongan", "--json").exit_code == 0
    listed = json.loads(cli("federation", "list", "--json").output)
    assert [(d["name"], d["disabled"]) for d in listed] == [("gongan", True)]


def test_bad_registrations_are_refused_with_nothing_written(cli, gongan):
    no_stdin = [a for a in add_args(gongan) if a != "--bind-password-stdin"]
    assert json.loads(cli(*no_stdin).output)["error"] == "invalid_request"
    bad = cli(*add_args(gongan, "--map", "shoe_size=x"), stdin="x\n")
    assert json.loads(bad.output)["error"] == "invalid_request"
    assert "shoe_size" in json.loads(bad.output)["message"]
    both = cli(*add_args(gongan, "--starttls", "--ldaps"), stdin="x\n")
    assert json.loads(both.output)["error"] == "invalid_request"
    assert json.loads(cli("federation", "list", "--json").output) == []
    cli(*add_args(gongan), stdin=SERVICE_PASSWORD + "\n")
    again = cli(*add_args(gongan), stdin=SERVICE_PASSWORD + "\n")
    assert json.loads(again.output)["error"] == "already_exists"
    assert json.loads(cli("federation", "show", "nope", "--json").output)["error"] == "not_found"


def test_a_directory_over_starttls_with_its_ca_file_is_registered_and_tested(cli, gongan):
    added = cli(*add_args(gongan, "--starttls", "--ca-file", str(gongan.ca_file)),
                stdin=SERVICE_PASSWORD + "\n")
    assert json.loads(added.output)["tls"] == "starttls"
    tested = cli("federation", "test", "gongan", "--json")
    assert tested.exit_code == 0 and json.loads(tested.output)["ok"]
