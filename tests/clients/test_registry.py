"""Registering clients and checking their credentials, as the OIDC provider does."""

from sqlalchemy import select

from clients.registry import (
    delete_client,
    disable_client,
    get_client,
    list_clients,
    register_client,
    rotate_secret,
    update_client,
)
from idp.audit import SYSTEM_ACTOR, AuditEvent


def _load(services, client_id):
    with services.db.session() as session:
        return get_client(session, client_id, keyring=services.keyring)


def test_a_registered_client_is_found_and_its_secret_checks(backend, services, web_client):
    client, secret = web_client
    loaded = _load(services, client.client_id)
    assert len(client.client_id) == 24
    assert loaded.check_client_secret(secret)
    assert not loaded.check_client_secret(secret + "x")
    assert not loaded.check_client_secret("")
    assert loaded.check_endpoint_auth_method("client_secret_basic", "token")
    assert not loaded.check_endpoint_auth_method("none", "token")
    assert loaded.check_redirect_uri("https://gjj.example.gov.cn/callback")
    assert not loaded.check_redirect_uri("https://gjj.example.gov.cn/callback/")
    assert loaded.check_response_type("code") and not loaded.check_response_type("token")
    assert loaded.get_allowed_scope("openid id_card email") == "openid email"


def test_the_secret_is_stored_only_as_a_keyed_hash(services, web_client):
    client, secret = web_client
    assert secret not in client.secret_hash and len(client.secret_hash) == 64


def test_an_unknown_client_id_finds_nothing(services):
    assert _load(services, "nope") is None
    assert _load(services, "x" * 500) is None


def test_a_public_client_gets_no_secret(services):
    client, secret = register_client(
        services,
        {"client_name": "app", "redirect_uris": ["http://127.0.0.1/cb"],
         "token_endpoint_auth_method": "none", "application_type": "native"},
        SYSTEM_ACTOR,
    )
    assert secret is None and client.secret_hash is None
    loaded = _load(services, client.client_id)
    assert not loaded.check_client_secret("anything")
    # RFC 8252 §7.3: native loopback redirect URIs match on any port.
    assert loaded.check_redirect_uri("http://127.0.0.1:51234/cb")
    assert not loaded.check_redirect_uri("http://127.0.0.1:51234/other")


def test_a_web_client_gets_no_loopback_port_exception(services):
    client, _ = register_client(
        services, {"client_name": "dev", "redirect_uris": ["http://127.0.0.1:5000/cb"]},
        SYSTEM_ACTOR,
    )
    assert not _load(services, client.client_id).check_redirect_uri("http://127.0.0.1:5001/cb")


def test_rotating_the_secret_retires_the_old_one(services, web_client):
    client, old = web_client
    new = rotate_secret(services, client.client_id, SYSTEM_ACTOR)
    loaded = _load(services, client.client_id)
    assert loaded.check_client_secret(new) and not loaded.check_client_secret(old)


def test_a_disabled_client_fails_secret_checks(services, web_client):
    client, secret = web_client
    disable_client(services, client.client_id, SYSTEM_ACTOR)
    loaded = _load(services, client.client_id)
    assert loaded.disabled and not loaded.check_client_secret(secret)


def test_updates_merge_and_are_audited_without_secrets(backend, services, web_client):
    client, secret = web_client
    update_client(services, client.client_id, {"min_level": 2, "department": "住建厅"},
                  SYSTEM_ACTOR)
    assert _load(services, client.client_id).min_level == 2
    with services.db.session() as session:
        events = list(session.scalars(select(AuditEvent).where(
            AuditEvent.client_id == client.client_id).order_by(AuditEvent.id)))
    assert [e.detail["action"] for e in events] == ["register", "update"]
    assert events[1].detail["before"] == {"department": None, "min_level": 1}
    assert events[1].detail["after"] == {"department": "住建厅", "min_level": 2}
    assert all(secret not in str(e.detail) for e in events)
    assert all(client.secret_hash not in str(e.detail) for e in events)


def test_listing_and_deleting_clients(services, web_client):
    client, _ = web_client
    assert client.client_id in [c.client_id for c in list_clients(services)]
    assert [c.client_id for c in list_clients(services, department="nowhere")] == []
    delete_client(services, client.client_id, SYSTEM_ACTOR)
    assert client.client_id not in [c.client_id for c in list_clients(services)]
