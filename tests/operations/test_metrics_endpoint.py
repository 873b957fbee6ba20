"""/metrics is never public: off unless a token guards it, 401 without the token, and the
counters a monitoring system reads show logins, tokens and requests with their labels."""

from __future__ import annotations

from dataclasses import replace

import pytest

from idp.app import create_app
from tests.operations.operations_helpers import PASSWORD, TOKEN, csrf_of, value


def test_metrics_are_off_without_a_token_or_an_address(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404


@pytest.mark.parametrize("authorization", [
    None, "Bearer wrong-token-0123456789abcdef", f"Basic {TOKEN}", f"Bearer {TOKEN}x",
    "Bearer 令牌"])
def test_metrics_refuse_a_missing_or_wrong_token(browser, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = browser.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert b"yiwang_" not in response.data


def test_metrics_answer_the_token_in_prometheus_text_format(browser):
    response = browser.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.mimetype == "text/plain" and "version=" in response.content_type
    assert b"# TYPE yiwang_logins_total counter" in response.data
    assert b"# TYPE yiwang_request_duration_seconds histogram" in response.data


def test_with_an_address_of_its_own_the_main_port_does_not_serve_metrics(settings):
    app = create_app(replace(settings, metrics_token=TOKEN, metrics_bind="127.0.0.1:9464"))
    try:
        answer = app.test_client().get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == 404
    finally:
        app.extensions["yiwang"].db.dispose()


def _password_login(browser, username: str, password: str):
    form = browser.get("/login")
    return browser.post("/login", data={"csrf_token": csrf_of(form), "username": username,
                                        "password": password, "door": "person"})


def test_a_password_login_is_counted_by_door_method_and_outcome(browser, scrape, citizen):
    before = scrape()
    _password_login(browser, "wangwu", "not the password")
    _password_login(browser, "wangwu", PASSWORD)
    after = scrape()
    for outcome in ("success", "failure"):
        labels = {"door": "person", "method": "password", "outcome": outcome}
        assert value(after, "yiwang_logins_total", **labels) == \
            value(before, "yiwang_logins_total", **labels) + 1


def test_a_client_credentials_token_is_counted_by_grant_and_client(browser, scrape, api_client):
    client_id, secret = api_client
    before = scrape()
    answer = browser.post("/token", auth=(client_id, secret),
                          data={"grant_type": "client_credentials", "scope": "profile"})
    assert answer.status_code == 200, answer.json
    refused = browser.post("/token", auth=(client_id, "wrong"),
                           data={"grant_type": "client_credentials"})
    assert refused.status_code == 401
    after = scrape()
    labels = {"grant_type": "client_credentials", "client": client_id}
    assert value(after, "yiwang_tokens_total", **labels) == \
        value(before, "yiwang_tokens_total", **labels) + 1  # the refused one is not a token
    # The token's audit event went through the group commit, whose queue is empty again.
    assert ("yiwang_audit_queue_depth", frozenset()) in after
    assert value(after, "yiwang_audit_queue_depth") == 0


def test_request_latency_is_labelled_by_flask_rule_not_by_raw_path(browser, scrape):
    before = scrape()
    # Distinct path segments: the registry is process-wide, and a short one like "a1" can sit
    # inside an earlier test's random client id.
    segments = ("raw-path-one", "raw-path-two", "raw-path-three")
    for segment in segments:
        browser.get(f"/no/such/page/{segment}")
    browser.get("/healthz")
    after = scrape()
    unmatched = {"endpoint": "unmatched", "method": "GET", "status": "4xx"}
    health = {"endpoint": "/healthz", "method": "GET", "status": "2xx"}
    count = "yiwang_request_duration_seconds_count"
    assert value(after, count, **unmatched) == value(before, count, **unmatched) + 3
    assert value(after, count, **health) == value(before, count, **health) + 1
    assert not any(segment in str(labels) for _, labels in after for segment in segments)
