"""A request id a citizen can quote: in the X-Request-Id header of every answer and on the error
pages people see, taken from a balancer's sane X-Request-Id or made here."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from clients.registry import register_client
from idp.app import create_app
from idp.audit import SYSTEM_ACTOR
from tests.operations.operations_helpers import TOKEN, csrf_of, parse, value
from tests.outages.outage_helpers import RedisServer

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "operations"
GENERATED = re.compile(r"[0-9a-f]{16}")


def test_every_answer_carries_a_new_request_id(client):
    first, second = client.get("/healthz"), client.get("/no/such/page")
    assert GENERATED.fullmatch(first.headers["X-Request-Id"])
    assert GENERATED.fullmatch(second.headers["X-Request-Id"])
    assert first.headers["X-Request-Id"] != second.headers["X-Request-Id"]


def test_a_balancers_request_id_is_kept(client):
    sent = "lb-7f3a.2026-12-07:0042"
    assert client.get("/healthz", headers={"X-Request-Id": sent}).headers["X-Request-Id"] == sent


@pytest.mark.parametrize("sent", ["x" * 65, "a b", "<script>", "id\tid", "编号", ""])
def test_an_unsafe_or_overlong_request_id_is_replaced(client, sent):
    answered = client.get("/healthz", headers={"X-Request-Id": sent}).headers["X-Request-Id"]
    assert GENERATED.fullmatch(answered)


def test_an_oauth_error_names_the_request_id(client):
    answer = client.post("/token", data={"grant_type": "client_credentials"},
                         auth=("no-such-client", "secret"))
    assert answer.status_code == 401 and answer.json["error"] == "invalid_client"
    assert answer.json["request_id"] == answer.headers["X-Request-Id"]


def test_the_not_found_page_shows_the_request_id(client):
    page = client.get("/no/such/page", headers={"Accept-Language": "zh-CN"})
    rid = page.headers["X-Request-Id"]
    assert page.status_code == 404
    assert f"请求编号: <code>{rid}</code>" in page.get_data(as_text=True)


def test_a_refused_form_shows_the_request_id_in_english_too(client):
    page = client.post("/login", data={"username": "x"}, headers={"Accept-Language": "en"})
    assert page.status_code == 400  # no CSRF token
    assert f"Request ID: <code>{page.headers['X-Request-Id']}</code>" in page.get_data(
        as_text=True)


def test_an_outage_answer_names_the_request_id_and_is_counted_by_backend(settings, tmp_path):
    """A private Redis stopped under a running app: the login page and /token answer 503 with
    the request id (the page shows it; the JSON has it as an extra member, RFC 6749 §5.2), and
    /metrics counts both as Store failures."""
    redis = RedisServer(tmp_path / "redis")
    redis.directory.mkdir()
    redis.start(new_port=True)
    app = create_app(replace(settings, redis_url=redis.url, redis_timeout_seconds=1,
                             metrics_token=TOKEN))
    browser = app.test_client()
    try:
        rp, secret = register_client(app.extensions["yiwang"], {
            "client_name": "社保查询", "redirect_uris": ["https://rp.example.gov.cn/cb"],
            "first_party": True, "scope": "openid"}, SYSTEM_ACTOR)
        form = browser.get("/login")
        before = _scrape(browser)
        redis.stop()
        page = browser.post("/login", data={"csrf_token": csrf_of(form), "username": "wangwu",
                                            "password": "whatever", "door": "person"})
        answer = browser.post("/token", auth=(rp.client_id, secret), headers={
            "X-Request-Id": "rp-42"}, data={"grant_type": "authorization_code", "code": "c0de",
                                            "redirect_uri": "https://rp.example.gov.cn/cb"})
        after = _scrape(browser)
    finally:
        redis.stop()
        app.extensions["yiwang"].db.dispose()
    assert page.status_code == 503
    assert f"<code>{page.headers['X-Request-Id']}</code>" in page.text
    assert answer.status_code == 503
    assert answer.json["error"] == "temporarily_unavailable"
    assert answer.json["request_id"] == "rp-42" == answer.headers["X-Request-Id"]
    assert value(after, "yiwang_backend_unavailable_total", backend="store") == \
        value(before, "yiwang_backend_unavailable_total", backend="store") + 2


def _scrape(browser) -> dict:
    return parse(browser.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text)


@pytest.mark.browser
def test_error_page_with_its_request_id_on_a_desktop_and_a_phone(live_app, chromium):
    _, base = live_app
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 800), (390, 844)):
        page = chromium.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
        answer = page.goto(f"{base}/no/such/page")
        rid = answer.headers["x-request-id"]
        assert page.get_by_text(rid).is_visible()
        page.screenshot(path=str(SHOTS / f"error-request-id-{width}.png"), full_page=True)
        page.close()
