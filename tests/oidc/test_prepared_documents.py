"""Discovery and JWKS as a relying party's HTTP cache sees them: a strong ETag, a 304 on
If-None-Match, a new ETag once the keys rotate (here or on another node), and the same
headers whether the document came from the prepared bytes or from Flask."""

from __future__ import annotations

import time

from idp.app import create_app

DISCOVERY = "/.well-known/openid-configuration"


def _poll(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_discovery_has_a_strong_etag_and_answers_304_to_a_client_that_has_it(client, settings):
    first = client.get(DISCOVERY)
    assert first.status_code == 200 and first.mimetype == "application/json"
    assert first.get_json()["issuer"] == settings.issuer
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["Cache-Control"] == "public, max-age=300"
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert first.headers["X-Content-Type-Options"] == "nosniff"

    again = client.get(DISCOVERY, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == "public, max-age=300"
    # A list of tags, or the weak form of ours, matches too (RFC 9110 §13.1.2).
    assert client.get(DISCOVERY, headers={"If-None-Match": f'"other", W/{etag}'}).status_code \
        == 304
    assert client.get(DISCOVERY, headers={"If-None-Match": '"other"'}).status_code == 200


def test_head_gives_the_headers_without_the_body(client):
    head = client.head(DISCOVERY)
    assert head.status_code == 200 and head.data == b""
    assert int(head.headers["Content-Length"]) == len(client.get(DISCOVERY).data)


def test_jwks_etag_changes_when_the_keys_rotate_and_the_old_one_gets_the_new_set(client, svc):
    before = client.get("/jwks")
    etag = before.headers["ETag"]
    assert before.headers["Cache-Control"] == f"public, max-age={svc.signing_keys.jwks_max_age}"
    assert client.get("/jwks", headers={"If-None-Match": etag}).status_code == 304

    rotation = svc.signing_keys.rotate("RS256")
    after = client.get("/jwks", headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag
    assert rotation.next in {key["kid"] for key in after.get_json()["keys"]}


def test_another_node_on_the_same_database_serves_the_new_jwks_etag_after_a_cli_rotation(
    app, client, settings, cli
):
    other_node = create_app(settings).test_client()
    try:
        etag = client.get("/jwks").headers["ETag"]
        assert other_node.get("/jwks").headers["ETag"] == etag  # same keys: same tag everywhere

        assert cli("keys", "rotate", "--alg", "ES256").exit_code == 0
        assert _poll(lambda: other_node.get("/jwks").headers["ETag"] != etag)
        assert other_node.get("/jwks", headers={"If-None-Match": etag}).status_code == 200
        assert _poll(lambda: client.get("/jwks").headers["ETag"]
                     == other_node.get("/jwks").headers["ETag"])
    finally:
        other_node.application.extensions["yiwang"].db.dispose()


def test_a_query_string_goes_through_flask_and_its_input_guard_with_the_same_answer(client):
    plain = client.get("/jwks")
    queried = client.get("/jwks?cache=1")
    assert queried.status_code == 200 and queried.data == plain.data
    assert queried.headers["ETag"] == plain.headers["ETag"]
    assert client.get("/jwks?x=1", headers={"If-None-Match": plain.headers["ETag"]}) \
        .status_code == 304
    assert client.get(f"{DISCOVERY}?x=%00").status_code == 400  # the input guard refuses NUL


def test_other_methods_are_not_allowed(client):
    assert client.post("/jwks").status_code == 405
    assert client.post(DISCOVERY).status_code == 405
