"""Two app instances (two nodes) on one database and one Store: each keeps clients in
process, yet a client disabled, a secret rotated or a token revoked on one node is refused on
the other at the very next request; and every token the warm path issues is still audited."""

from __future__ import annotations

import base64
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from clients.registry import disable_client, register_client, rotate_secret
from idp.app import create_app
from idp.audit import SYSTEM_ACTOR, EventType
from idp.audit.record import AuditEvent

API = {"client_name": "人社接口", "redirect_uris": [], "grant_types": ["client_credentials"],
       "scope": "profile", "first_party": True}
@pytest.fixture(params=[("sqlite", "sql"), ("postgres", "redis")],
                ids=["sqlite+sql-store", "postgres+redis"])
def deployment(request) -> tuple[str, str]:
    """(database, Store): the embedded set-up, and the many-node one."""
    return request.param


@pytest.fixture
def backend(deployment) -> str:  # the database the shared `database_url` fixture opens
    return deployment[0]


@pytest.fixture
def nodes(backend, deployment, settings, redis_store_url):
    """(node A, node B): two apps sharing the test's database and Store."""
    if deployment[1] == "redis":
        settings = replace(settings, redis_url=redis_store_url)
    apps = [create_app(settings), create_app(settings)]
    yield apps
    for app in apps:
        app.extensions["yiwang"].db.dispose()


def _basic(client_id: str, secret: str) -> dict[str, str]:
    raw = f"{client_id}:{secret}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def _token(node, client_id: str, secret: str):
    return node.test_client().post(
        "/token", data={"grant_type": "client_credentials", "scope": "profile"},
        headers=_basic(client_id, secret))


def test_a_client_disabled_on_one_node_is_refused_on_the_other_at_once(nodes):
    node_a, node_b = nodes
    client, secret = register_client(node_a.extensions["yiwang"], API, SYSTEM_ACTOR)
    assert _token(node_b, client.client_id, secret).status_code == 200  # B has it cached

    disable_client(node_a.extensions["yiwang"], client.client_id, SYSTEM_ACTOR)
    refused = _token(node_b, client.client_id, secret)
    assert refused.status_code == 401 and refused.get_json()["error"] == "invalid_client"


def test_a_rotated_secret_is_refused_on_the_other_node_and_the_new_one_works(nodes):
    node_a, node_b = nodes
    client, old = register_client(node_a.extensions["yiwang"], API, SYSTEM_ACTOR)
    assert _token(node_b, client.client_id, old).status_code == 200

    new = rotate_secret(node_a.extensions["yiwang"], client.client_id, SYSTEM_ACTOR)
    assert _token(node_b, client.client_id, old).status_code == 401
    assert _token(node_b, client.client_id, new).status_code == 200


def test_a_client_registered_after_a_node_looked_for_it_is_found_at_once(nodes):
    node_a, node_b = nodes
    assert _token(node_b, "not-yet", "x").status_code == 401  # B remembers "no such client"
    client, secret = register_client(node_a.extensions["yiwang"], API, SYSTEM_ACTOR)
    assert _token(node_b, client.client_id, secret).status_code == 200


def test_a_token_revoked_on_one_node_is_inactive_at_introspection_on_the_other(nodes):
    node_a, node_b = nodes
    client, secret = register_client(node_a.extensions["yiwang"], API, SYSTEM_ACTOR)
    token = _token(node_a, client.client_id, secret).get_json()["access_token"]
    introspect = node_b.test_client().post("/introspect", data={"token": token},
                                           headers=_basic(client.client_id, secret))
    assert introspect.get_json()["active"] is True

    revoked = node_a.test_client().post("/revoke", data={"token": token},
                                        headers=_basic(client.client_id, secret))
    assert revoked.status_code == 200
    after = node_b.test_client().post("/introspect", data={"token": token},
                                      headers=_basic(client.client_id, secret))
    assert after.get_json() == {"active": False}


def test_every_token_issued_from_the_cached_client_is_audited(nodes):
    node_a, node_b = nodes
    services = node_a.extensions["yiwang"]
    client, secret = register_client(services, API, SYSTEM_ACTOR)
    issued = [_token(node, client.client_id, secret).get_json()["access_token"]
              for node in (node_a, node_b, node_b, node_a, node_b)]
    assert len(set(issued)) == 5
    query = select(func.count()).select_from(AuditEvent).where(
        AuditEvent.type == str(EventType.TOKEN_ISSUE), AuditEvent.client_id == client.client_id)
    with services.db.session() as session:
        assert session.scalar(query) == 5
