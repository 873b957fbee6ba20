"""RFC 7591 / 7592 registration bodies of the wrong shape are a 400 ``invalid_client_metadata``
(RFC 7591 §3.2.2) with a description, never a 500, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from clients.initial_tokens import issue_initial_access_token
from idp.audit import SYSTEM_ACTOR

pytestmark = pytest.mark.usefixtures("backend")
METADATA = {"client_name": "不动产登记", "redirect_uris": ["https://bdc.example.gov.cn/cb"]}
JSON = "application/json"

# (raw body, content type, words the description holds)
BAD_BODIES = [
    (b'{"redirect_uris": ["https://bdc.example.gov.cn/cb"], "default_max_age": 1e400}', JSON,
     "out of range"),
    (b'{"redirect_uris": ["https://bdc.example.gov.cn/cb"], "default_max_age": NaN}', JSON, "NaN"),
    (b'{"redirect_uris": ["https://bdc.example.gov.cn/cb"], "default_max_age": -Infinity}', JSON,
     "Infinity"),
    (b'{"redirect_uris": "https://bdc.example.gov.cn/cb"}', JSON, "redirect_uris"),
    (b'{"redirect_uris": [1]}', JSON, "redirect_uris.0"),
    (b'{"client_name": 5, "redirect_uris": []}', JSON, "client_name"),
    (b'{"contacts": [{"a": 1}]}', JSON, "contacts.0"),
    (b'{"jwks": "keys"}', JSON, "jwks"),
    (b'{"default_max_age": -1}', JSON, "default_max_age"),
    (b'{"require_auth_time": "yes"}', JSON, "require_auth_time"),
    (b'{"software_id": "' + b"a" * 300 + b'"}', JSON, "software_id"),
    (b"[]", JSON, "JSON object"),
    (b"null", JSON, "JSON object"),
    (b'"x"', JSON, "JSON object"),
    (b"", JSON, "JSON object"),
    (b"{", JSON, "not valid JSON"),
    (b'{"client_name": "\xff"}', JSON, "not UTF-8"),
    (b'{"a": ' + b"9" * 5000 + b"}", JSON, "not valid JSON"),
    (json.dumps(METADATA).encode(), "text/plain", "application/json"),
    (b"redirect_uris=https://bdc.example.gov.cn/cb", "application/x-www-form-urlencoded",
     "application/json"),
]


@pytest.fixture
def token(app) -> str:
    return issue_initial_access_token(app.extensions["yiwang"], SYSTEM_ACTOR, ttl=600)


def _bearer(token: str, content_type: str = JSON) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": content_type}


@pytest.fixture
def registered(client, token) -> dict:
    response = client.post("/connect/register", json=METADATA, headers=_bearer(token))
    assert response.status_code == 201
    return response.get_json()


def _refused(response, words: str) -> None:
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    answer = response.get_json()
    if answer["error"] == "invalid_request":  # refused at the edge (idp.web.input_guard)
        return
    assert answer["error"] == "invalid_client_metadata", answer
    assert words in answer["error_description"]
    assert response.headers["Cache-Control"] == "no-store"


def test_a_registration_body_of_the_wrong_shape_is_invalid_client_metadata(client, app):
    services = app.extensions["yiwang"]
    for body, content_type, words in BAD_BODIES:
        # A fresh initial token each time: a refused body must not be what spends one.
        token = issue_initial_access_token(services, SYSTEM_ACTOR, ttl=600)
        _refused(client.post("/connect/register", data=body, headers=_bearer(token, content_type)),
                 words)


@pytest.mark.parametrize("secret", [123, 1.5, True, ["s"], {"s": 1}])
def test_an_update_with_a_client_secret_that_is_not_a_string_is_refused(
    client, registered, secret
):
    body = {**METADATA, "client_id": registered["client_id"], "client_secret": secret}
    response = client.put(f"/connect/register/{registered['client_id']}", json=body,
                          headers=_bearer(registered["registration_access_token"]))
    _refused(response, "client_secret")


def test_an_update_body_of_the_wrong_shape_is_refused_and_changes_nothing(client, registered):
    path = f"/connect/register/{registered['client_id']}"
    auth = _bearer(registered["registration_access_token"])
    for body, content_type, words in BAD_BODIES:
        _refused(client.put(path, data=body, headers={**auth, "Content-Type": content_type}),
                 words)
    assert client.get(path, headers=auth).get_json()["client_name"] == METADATA["client_name"]


def test_a_well_formed_update_still_works(client, registered):
    body = {**METADATA, "client_id": registered["client_id"], "client_name": "不动产登记中心",
            "client_secret": registered["client_secret"], "default_max_age": 3600}
    response = client.put(f"/connect/register/{registered['client_id']}", json=body,
                          headers=_bearer(registered["registration_access_token"]))
    assert response.status_code == 200 and response.get_json()["client_name"] == "不动产登记中心"
