"""Registering a terminal for the device code grant: by the CLI (--grant-type), by RFC 7591
dynamic registration and the console's JSON API (grant_types); and the flow on the Redis Store
as on the SQL one."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from device_helpers import DEVICE_GRANT, Terminal, answer, enter

from admin.principal import Admin
from admin.roles import Role, assign_role, grants_of
from clients.initial_tokens import issue_initial_access_token
from clients.registry import register_client
from idp.accounts import service as accounts
from idp.accounts.enums import AccountClass
from idp.app import create_app
from idp.audit import SYSTEM_ACTOR, Actor
from tests.admin.admin_helpers import ADMIN_PASSWORD, sign_in


def test_idp_clients_add_grant_type_registers_a_terminal_that_can_start(cli, client):
    done = cli("clients", "add", "--name", "电视", "--public", "--grant-type", DEVICE_GRANT,
               "--json")
    assert done.exit_code == 0, done.output
    registered = json.loads(done.output)
    assert registered["grant_types"] == [DEVICE_GRANT]
    assert "openid" in registered["scope"].split()
    started = Terminal(registered["client_id"]).start(client)
    assert started.status_code == 200 and "device_code" in started.get_json()


def test_idp_clients_update_grant_type_lets_a_web_client_use_the_device_grant_too(
        cli, client, terminal_of):
    web = terminal_of(token_endpoint_auth_method="client_secret_basic",
                      grant_types=["authorization_code"],
                      redirect_uris=["https://rp.example.gov.cn/cb"])
    assert web.start(client).get_json()["error"] == "unauthorized_client"
    done = cli("clients", "update", web.client_id, "--grant-type", "authorization_code",
               "--grant-type", DEVICE_GRANT, "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["grant_types"] == ["authorization_code", DEVICE_GRANT]
    assert web.start(client).status_code == 200


def test_dynamic_registration_accepts_the_device_grant(client, svc):
    token = issue_initial_access_token(svc, SYSTEM_ACTOR, ttl=60)
    registered = client.post("/connect/register", json={
        "client_name": "自助终端", "grant_types": [DEVICE_GRANT],
        "token_endpoint_auth_method": "none"}, headers={"Authorization": f"Bearer {token}"})
    assert registered.status_code == 201, registered.get_json()
    body = registered.get_json()
    assert body["grant_types"] == [DEVICE_GRANT] and not body.get("redirect_uris")
    assert Terminal(body["client_id"]).start(client).status_code == 200


@pytest.fixture
def redis_app(settings, redis_store_url):
    app = create_app(replace(settings, redis_url=redis_store_url))
    yield app
    app.extensions["yiwang"].db.dispose()


def test_the_flow_runs_on_the_redis_store(redis_app, person, login):
    person("alice")
    client = redis_app.test_client()
    registered, _ = register_client(redis_app.extensions["yiwang"], {
        "client_name": "电视", "token_endpoint_auth_method": "none",
        "grant_types": [DEVICE_GRANT]}, SYSTEM_ACTOR)
    terminal = Terminal(registered.client_id)
    started = terminal.start(client).get_json()
    login("alice", browser=client)
    enter(client, started["user_code"])
    answer(client, "approve")
    tokens = terminal.poll(client, started["device_code"])
    assert tokens.status_code == 200 and "id_token" in tokens.get_json()


def test_the_console_api_registers_a_terminal_for_the_device_grant(app, svc, client):
    from tests.admin.admin_helpers import new_id_number  # noqa: F401

    person = accounts.create_person(svc, SYSTEM_ACTOR, username="sysadmin",
                                    password=ADMIN_PASSWORD, name="管理员",
                                    account_class=AccountClass.ADMIN, assurance_level=2)
    assign_role(svc.db, account_id=person.id, role=Role.SYSTEM_ADMIN)
    with svc.db.session() as session:
        admin = Admin(person.id, person.username, grants_of(session, person.id),
                      Actor("127.0.0.1", "pytest"))
    console = app.test_client()
    sign_in(console, admin)
    made = console.post("/admin/api/clients", headers={"X-CSRF-Token": "test-csrf-token"},
                        json={"client_name": "办事大厅终端", "reason": "自助终端上线",
                              "token_endpoint_auth_method": "none",
                              "grant_types": [DEVICE_GRANT]})
    assert made.status_code == 201, made.get_json()
    assert Terminal(made.get_json()["client_id"]).start(client).status_code == 200
