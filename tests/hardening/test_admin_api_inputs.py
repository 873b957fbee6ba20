"""The admin console and its JSON API answer hostile input with a clear 400, never a 500, on
SQLite and PostgreSQL: bodies of the wrong JSON types, numbers JSON cannot hold, text with
control characters, integers in other scripts, and times at the edge of the calendar."""

from __future__ import annotations

import pytest
from admin_console import CSRF, administrators, holder, session_values

from admin.roles import Permission
from clients.registry import register_client
from idp.audit import SYSTEM_ACTOR

pytestmark = pytest.mark.usefixtures("backend")
JSON = {"Content-Type": "application/json", "X-CSRF-Token": CSRF}


@pytest.fixture
def console(app):
    """as_(permission) -> a test client signed in as the administrator who holds it."""
    admins = administrators(app.extensions["yiwang"])

    def as_(permission):
        client = app.test_client()
        with client.session_transaction() as session:
            session.update(session_values(holder(admins, permission)))
        return client

    return as_


@pytest.fixture
def client_id(app) -> str:
    client, _ = register_client(app.extensions["yiwang"], {
        "client_name": "电子税务局", "redirect_uris": ["https://etax.example.gov.cn/cb"]},
        SYSTEM_ACTOR)
    return client.client_id


@pytest.mark.parametrize(("body", "field"), [
    (b'{"reason": 1}', "reason"),
    (b'{"reason": [1]}', "reason"),
    (b'{"reason": {"a": 1}}', "reason"),
    (b'{"reason": "r", "min_level": 1e400}', "number out of range"),
    (b'{"reason": "r", "min_level": NaN}', "NaN"),
    (b'{"reason": "r", "min_level": Infinity}', "Infinity"),
    (b'{"reason": "r", "min_level": -Infinity}', "Infinity"),
    (b'{"reason": "r", "min_level": 7}', "min_level"),
    (b'{"reason": "r", "min_level": ' + b"9" * 5000 + b"}", "not valid JSON"),
    (b'{"reason": "r", "redirect_uris": "https://a.example.cn/cb"}', "redirect_uris"),
    (b'{"reason": "r", "redirect_uris": [1]}', "redirect_uris.0"),
    (b'{"reason": "r", "client_name": "a\\u0000b"}', "control character"),
    (b'{"reason": "r", "client_name": "a\\ud800"}', "surrogate"),
    (b'{"reason": "r", "client_name": "a\\tb"}', "client_name"),
    (b'{"reason": "r", "unknown": 1}', "unknown"),
    (b'[{"reason": "r"}]', "JSON object"),
    (b'"reason"', "JSON object"),
    (b'{"reason": ', "not valid JSON"),
    (b'{"reason": "\xff"}', "not UTF-8"),
    (b"[" * 5000 + b"]" * 5000, "nested too deeply"),
    (b'{"a":' * 100 + b"1" + b"}" * 100, "nested too deeply"),
])
def test_a_client_change_of_the_wrong_json_shape_is_a_400_naming_the_problem(
    console, client_id, body, field
):
    response = console(Permission.RP_EDIT).patch(f"/admin/api/clients/{client_id}", data=body,
                                                 headers=JSON)
    assert response.status_code == 400, response.get_data(as_text=True)
    answer = response.get_json()
    if answer["error"] == "invalid_request":  # refused at the edge (idp.web.input_guard)
        assert field in ("control character", "surrogate", "nested too deeply")
    else:
        assert answer["error"] == "bad_input" and field in answer["error_description"]


@pytest.mark.parametrize("reason", [None, "", "   ", "\n"])
def test_a_missing_or_blank_reason_is_still_reason_required(console, client_id, reason):
    body = {} if reason is None else {"reason": reason}
    response = console(Permission.RP_DISABLE).post(f"/admin/api/clients/{client_id}/disable",
                                                   json=body, headers=JSON)
    assert response.status_code == 400 and response.get_json()["error"] == "reason_required"


@pytest.mark.parametrize(("path", "permission", "body"), [
    ("/admin/api/saml", Permission.RP_REGISTER, {"reason": "r", "min_level": "high"}),
    ("/admin/api/saml", Permission.RP_REGISTER, {"reason": "r", "metadata_url": 5}),
    ("/admin/api/accounts/search", Permission.ACCOUNTS_SEARCH, {"q": ["x"]}),
    ("/admin/api/accounts/search", Permission.ACCOUNTS_SEARCH, {"q": "a\x00"}),
    ("/admin/api/accounts/p1/revoke", Permission.ACCOUNTS_REVOKE_AUTHORISATION,
     {"reason": "r", "credit_code": 91350100}),
    ("/admin/api/keys/rotate", Permission.KEYS_ROTATE, {"reason": "r", "alg": ["ES256"]}),
    ("/admin/api/keys/rotate", Permission.KEYS_ROTATE, {"reason": "r", "alg": "HS256"}),
])
def test_every_write_checks_its_body_before_the_service(console, path, permission, body):
    response = console(permission).post(path, json=body, headers=JSON)
    assert response.status_code == 400
    assert response.get_json()["error"] in ("bad_input", "invalid_request")


def test_a_body_over_the_size_limit_is_a_json_413(console, client_id):
    response = console(Permission.RP_EDIT).patch(
        f"/admin/api/clients/{client_id}", headers=JSON,
        data=b'{"reason": "' + b"a" * (1024 * 1024 + 1) + b'"}')
    assert response.status_code == 413 and response.is_json


def test_an_unknown_api_path_or_method_is_answered_in_json(console):
    client = console(Permission.AUDIT_READ)
    missing = client.get("/admin/api/nothing/here")
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"
    wrong = client.delete("/admin/api/audit")
    assert wrong.status_code == 405 and wrong.is_json


EDGE_TIMES = ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "9999-12-31",
              "1969-12-31T23:59Z", "3000-01-02", "2024-02-30", "２０２４-01-01", "٢٠٢٤-01-01",
              "2024-01-01T10:00+99:00", "2024-01-01T25:00", "2024-01-01\x00", "x" * 40]


@pytest.mark.parametrize("path", ["/admin/audit", "/admin/api/audit", "/admin/audit/export.csv",
                                  "/admin/audit/export.jsonl", "/admin/api/audit/export"])
def test_a_time_filter_out_of_range_is_refused_up_front(console, path):
    client = console(Permission.AUDIT_EXPORT)
    for name in ("since", "until"):
        for when in EDGE_TIMES:
            response = client.get(path, query_string={name: when})
            assert response.status_code == 400, (name, when)
            if "/api/" in path and response.get_json()["error"] == "bad_input":
                assert response.get_json()["error_description"].startswith(name)


@pytest.mark.parametrize("path", ["/admin/audit/export.csv", "/admin/audit/export.jsonl",
                                  "/admin/api/audit/export"])
def test_an_export_at_the_edges_of_the_range_completes(console, path):
    response = console(Permission.AUDIT_EXPORT).get(path, query_string={
        "since": "1970-01-01T08:00", "until": "2999-12-31T23:59:59Z", "format": "csv"})
    assert response.status_code == 200
    response.get_data()  # streams to its end without an exception


LIMITS = ["²", "٣", "-1", "0", "501", "1.5", " 5", "9" * 5000, "0x10"]
FILTERS = [{"after": "20240101T000000000000." + "9" * 30}, {"after": "20240101T000000000000.²"},
           {"account": "a\x00b"}, {"ip": "\x01"}, {"client_id": "c" * 200}, {"type": "login\x00"}]


def test_a_page_size_or_filter_that_is_not_plain_text_in_range_is_a_400(console):
    client = console(Permission.AUDIT_READ)
    for limit in LIMITS:
        response = client.get("/admin/api/audit", query_string={"limit": limit})
        assert response.status_code == 400, limit
        assert "limit" in response.get_json()["error_description"]
    for query in FILTERS:
        assert client.get("/admin/api/audit", query_string=query).status_code == 400, query


@pytest.mark.parametrize("url", ["http://[", "https://[::1", "http://a:99999/md", "ftp://a/md"])
def test_a_metadata_url_that_does_not_parse_is_fetch_failed(console, url):
    response = console(Permission.RP_REGISTER).post(
        "/admin/api/saml", json={"metadata_url": url, "reason": "r"}, headers=JSON)
    assert response.status_code == 400 and response.get_json()["error"] == "fetch_failed"


def test_a_metadata_redirect_to_something_that_is_not_a_url_is_fetch_failed(http_server):
    from admin.errors import AdminError
    from admin.fetch import fetch_metadata

    site = http_server({"/md": (302, b"", {"Location": "http://["})})
    with pytest.raises(AdminError) as refused:
        fetch_metadata(f"{site.url}/md", allow_private=True)
    assert refused.value.code == "fetch_failed"


@pytest.mark.parametrize("token", ["\xe9", "\xff\xfe", "²", ""])
def test_a_csrf_header_that_is_not_the_token_is_a_403_whatever_its_bytes(console, token):
    response = console(Permission.KEYS_ROTATE).post(
        "/admin/api/keys/rotate", json={"alg": "ES256", "reason": "r"},
        headers={"Content-Type": "application/json", "X-CSRF-Token": token})
    assert response.status_code in (400, 403) and response.is_json
