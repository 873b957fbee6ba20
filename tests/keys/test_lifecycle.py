"""The key life cycle: next -> current -> retired -> removed, on SQLite and PostgreSQL."""

import base64
import json
import threading
from dataclasses import replace

import requests
from joserfc import jwt
from joserfc.jwk import KeySet
from sqlalchemy import select, text

from idp.audit import AuditEvent
from keys.signing import SigningKeys


def _header(token: str) -> dict:
    part = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _verify_with_jwks(token: str, jwks: dict) -> dict:
    """What a relying party does: pick the key by kid from the fetched JWKS and verify."""
    return jwt.decode(token, KeySet.import_key_set(jwks), algorithms=["RS256"]).claims


def test_a_token_signed_before_a_rotation_still_verifies_against_the_served_jwks_after_it(
    backend, live_app
):
    app, base = live_app
    keys = app.extensions["yiwang"].signing_keys
    before = keys.sign_jwt({"sub": "alice"})
    assert _verify_with_jwks(before, requests.get(f"{base}/jwks", timeout=5).json())

    rotation = keys.rotate("RS256")

    jwks = requests.get(f"{base}/jwks", timeout=5).json()
    assert _verify_with_jwks(before, jwks) == {"sub": "alice"}
    after = keys.sign_jwt({"sub": "bob"})
    assert _header(after)["kid"] == rotation.current != _header(before)["kid"]
    assert rotation.retired == _header(before)["kid"]
    assert _verify_with_jwks(after, jwks) == {"sub": "bob"}


def test_the_next_key_is_published_before_it_signs(backend, signing_keys):
    signing_keys.signing_key("ES256")
    upcoming = next(k.kid for k in signing_keys.all_keys()
                    if k.alg == "ES256" and k.state == "next")
    assert upcoming in {k["kid"] for k in signing_keys.jwks()["keys"]}
    assert signing_keys.rotate("ES256").current == upcoming
    assert signing_keys.signing_key("ES256").kid == upcoming


def test_a_retired_key_leaves_the_jwks_only_after_the_longest_token_lifetime(
    backend, signing_keys, clock
):
    old = signing_keys.signing_key("RS256").kid
    signing_keys.rotate("RS256")
    lifetime = signing_keys.longest_token_lifetime

    clock.advance(seconds=lifetime.total_seconds() - 1)
    assert old in {k["kid"] for k in signing_keys.jwks()["keys"]}
    assert signing_keys.public_key(old) is not None

    clock.advance(seconds=2)
    assert old not in {k["kid"] for k in signing_keys.jwks()["keys"]}
    assert signing_keys.public_key(old) is None


def test_expired_retired_keys_are_removed_from_the_database(backend, signing_keys, clock):
    old = signing_keys.signing_key("ES256").kid
    signing_keys.rotate("ES256")
    clock.advance(seconds=signing_keys.longest_token_lifetime.total_seconds() + 1)
    assert signing_keys.remove_expired() == [old]
    assert old not in {k.kid for k in signing_keys.all_keys()}


def test_each_algorithm_has_exactly_one_current_key_after_rotations(backend, signing_keys):
    for _ in range(3):
        signing_keys.rotate("ES256")
    states = [k.state for k in signing_keys.all_keys() if k.alg == "ES256"]
    assert states.count("current") == 1
    assert states.count("next") == 1
    assert states.count("retired") == 3


def test_a_rotation_is_audited_with_the_kids(backend, services, signing_keys):
    rotation = signing_keys.rotate("ES256")
    with services.db.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.type == "key.rotate")).one()
    assert event.detail["current_kid"] == rotation.current
    assert event.detail["retired_kid"] == rotation.retired
    assert event.detail["alg"] == "ES256"


def test_the_server_rotates_by_itself_when_the_schedule_says_so(backend, services, clock):
    scheduled = SigningKeys(services.db, services.keyring,
                            replace(services.settings, key_rotation_days=30),
                            clock=clock, refresh_seconds=0)
    first = scheduled.signing_key("ES256").kid
    clock.advance(days=29)
    assert scheduled.signing_key("ES256").kid == first
    clock.advance(days=2)
    second = scheduled.signing_key("ES256").kid
    assert second != first
    assert scheduled.signing_key("ES256").kid == second  # once, not on every look


def test_another_node_picks_up_a_rotation_without_restart(backend, services, clock):
    node_a = SigningKeys(services.db, services.keyring, services.settings, clock=clock,
                         refresh_seconds=0)
    node_b = SigningKeys(services.db, services.keyring, services.settings, clock=clock,
                         refresh_seconds=0)
    assert node_a.signing_key("EdDSA").kid == node_b.signing_key("EdDSA").kid
    rotation = node_a.rotate("EdDSA")
    assert node_b.signing_key("EdDSA").kid == rotation.current
    token = node_b.sign_jwt({"sub": "alice"}, "EdDSA")
    assert node_a.verify_jwt(token, ["EdDSA"]) == {"sub": "alice"}


def test_nodes_racing_to_make_the_first_keys_end_with_one_current_key(backend, services):
    nodes = [SigningKeys(services.db, services.keyring, services.settings) for _ in range(4)]
    kids: list[str] = []
    threads = [threading.Thread(target=lambda n=n: kids.append(n.signing_key("ES256").kid))
               for n in nodes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(kids)) == 1
    assert [k.state for k in nodes[0].all_keys() if k.alg == "ES256"] == ["current", "next"]


def test_private_key_columns_hold_no_pem_or_jwk_in_clear(backend, services, signing_keys):
    private_parts = []
    for alg in ("RS256", "PS256", "ES256", "EdDSA"):
        private_parts.append(signing_keys.signing_key(alg).as_dict(private=True)["d"])
    signing_keys.saml_signing()
    with services.db.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT kid, private_key, public_jwk, certificate FROM signing_keys")).all()
    assert len(rows) == 10
    for kid, private_key, public_jwk, certificate in rows:
        dump = f"{private_key} {public_jwk} {certificate}"
        assert "PRIVATE KEY" not in dump
        assert '"d"' not in dump
        assert not any(part in dump for part in private_parts)
        assert private_key.startswith("v1.")
        assert kid not in private_key  # nothing readable: the kid is bound in, not written


def test_the_jwks_endpoint_is_cacheable_for_less_than_a_rotation(client):
    response = client.get("/jwks")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert [key["alg"] for key in response.get_json()["keys"]] == ["RS256", "RS256"]


def test_of_two_nodes_due_for_a_scheduled_rotation_exactly_one_rotates(backend, services, clock):
    settings = replace(services.settings, key_rotation_days=30)
    node_a, node_b = (SigningKeys(services.db, services.keyring, settings, clock=clock,
                                  refresh_seconds=0) for _ in range(2))
    first = node_a.signing_key("ES256").kid
    node_b.signing_key("ES256")
    clock.advance(days=31)
    threads = [threading.Thread(target=node.signing_key, args=("ES256",))
               for node in (node_a, node_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert node_a.signing_key("ES256").kid == node_b.signing_key("ES256").kid != first
    with services.db.session() as session:
        reasons = [e.detail["reason"] for e in session.scalars(
            select(AuditEvent).where(AuditEvent.type == "key.rotate"))]
    assert reasons == ["schedule"]
