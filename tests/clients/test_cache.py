"""The client cache: one database read per client per ttl; changes show after ttl or forget."""

from clients.cache import ClientCache
from clients.registry import disable_client
from idp.audit import SYSTEM_ACTOR


def test_a_cached_client_checks_secrets_and_changes_show_after_forget(backend, services,
                                                                     web_client):
    client, secret = web_client
    cache = ClientCache(services.db, services.keyring, ttl=60)
    first = cache.get(client.client_id)
    assert first.check_client_secret(secret)
    assert cache.get(client.client_id) is first
    disable_client(services, client.client_id, SYSTEM_ACTOR)
    assert not cache.get(client.client_id).disabled  # still the cached row, within ttl
    cache.forget(client.client_id)
    assert cache.get(client.client_id).disabled


def test_without_a_ttl_every_read_sees_the_database(services, web_client):
    client, _ = web_client
    cache = ClientCache(services.db, services.keyring, ttl=0)
    assert cache.get(client.client_id) is not cache.get(client.client_id)


def test_unknown_clients_are_none(services):
    cache = ClientCache(services.db, services.keyring)
    assert cache.get("nope") is None and cache.get(None) is None and cache.get("") is None
