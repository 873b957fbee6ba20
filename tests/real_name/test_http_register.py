"""The HTTP register adapters against a real server standing in for the population and
legal-entity services: signed requests, their answers, and an outage as a 503 page."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import replace

import pytest

from idp.app import create_app
from idp.verification.http_registers import SIGNATURE_HEADER, TIMESTAMP_HEADER
from tests.login.login_helpers import PASSWORD, csrf_of
from tests.real_name.conftest import new_credit_code, new_id_number

SECRET = "shared-secret-of-the-register"


def fake_register(known: dict[str, str], *, delay: float = 0.0):
    """The population service: checks the signature, answers match/name_mismatch/unknown."""

    def answer(hit):
        stamp = hit.headers[TIMESTAMP_HEADER]
        expected = "sha256=" + hmac.new(SECRET.encode(), stamp.encode() + b"." + hit.body,
                                        hashlib.sha256).hexdigest()
        if not hmac.compare_digest(hit.headers.get(SIGNATURE_HEADER, ""), expected) or \
                abs(time.time() - int(stamp)) > 300:
            return 401, json.dumps({"error": "bad signature"})
        time.sleep(delay)
        asked = json.loads(hit.body)
        name = known.get(asked["id_number"])
        result = "unknown" if name is None else "match" if name == asked["name"] \
            else "name_mismatch"
        return 200, json.dumps({"result": result}), {"Content-Type": "application/json"}

    return answer


@pytest.fixture
def http_app(settings, http_server):
    """An app whose population register is the fake service: (app, site, known numbers)."""
    known: dict[str, str] = {}
    site = http_server(fake_register(known))
    return known, site, lambda **extra: _app(settings, site.url, **extra)


def _app(settings, url, secret=SECRET, timeout=1):
    app = create_app(replace(settings, population_register="http",
                             population_register_url=url + "/verify",
                             population_register_secret=secret,
                             register_timeout_seconds=timeout))
    app.config["TESTING"] = True
    return app


def _logged_in(app, person_fixture):
    person_fixture("alice")
    browser = app.test_client()
    form = browser.get("/login")
    browser.post("/login", data={"csrf_token": csrf_of(form), "username": "alice",
                                 "password": PASSWORD, "door": "person"})
    return browser


def _verify(browser, name, number):
    form = browser.get("/account/verify")
    return browser.post("/account/verify", data={"csrf_token": csrf_of(form), "name": name,
                                                 "id_number": number})


def test_a_signed_request_to_the_population_service_verifies_the_person(http_app, person):
    known, site, make = http_app
    number = new_id_number()
    known[number] = "王小明"
    browser = _logged_in(app := make(), person)
    answer = _verify(browser, "王小明", number)
    assert answer.status_code == 303
    hit = site.hits[-1]
    assert hit.method == "POST" and hit.path == "/verify"
    assert json.loads(hit.body) == {"id_number": number, "name": "王小明"}
    assert "L2" in browser.get("/account").get_data(as_text=True)
    app.extensions["yiwang"].db.dispose()


def test_the_services_refusal_is_a_refusal(http_app, person):
    known, _, make = http_app
    number = new_id_number()
    known[number] = "王小明"
    browser = _logged_in(app := make(), person)
    assert _verify(browser, "王大明", number).status_code == 400
    assert _verify(browser, "王小明", new_id_number()).status_code == 400
    app.extensions["yiwang"].db.dispose()


@pytest.mark.parametrize("case", ["wrong secret", "service down", "timeout"])
def test_a_register_that_cannot_answer_gives_the_service_unavailable_page(
    settings, http_server, person, case
):
    if case == "service down":
        app = _app(settings, "http://127.0.0.1:9")  # discard port: nothing listens
    elif case == "timeout":
        app = _app(settings, http_server(fake_register({}, delay=3)).url, timeout=1)
    else:  # the service refuses our signature (401)
        app = _app(settings, http_server(fake_register({})).url, secret="not-the-secret")
    browser = _logged_in(app, person)
    started = time.monotonic()
    answer = _verify(browser, "王小明", new_id_number())
    assert time.monotonic() - started < 2.5
    page = answer.get_data(as_text=True)
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "60"
    assert "核验服务暂不可用" in page and "Verification service unavailable" not in page
    assert "L1" in browser.get("/account").get_data(as_text=True)
    app.extensions["yiwang"].db.dispose()


def test_the_entity_service_is_asked_with_the_representatives_number(
    settings, http_server, person
):
    asked = []

    def service(hit):
        asked.append(json.loads(hit.body))
        return 200, json.dumps({"result": "not_representative"})

    site = http_server(service)
    app = create_app(replace(settings, entity_register="http", entity_register_url=site.url,
                             entity_register_secret=SECRET))
    number = new_id_number()
    person("alice", id_number=number, level=2)
    browser = app.test_client()
    form = browser.get("/login")
    browser.post("/login", data={"csrf_token": csrf_of(form), "username": "alice",
                                 "password": PASSWORD, "door": "person"})
    code = new_credit_code()
    form = browser.get("/account/entities/new")
    answer = browser.post("/account/entities/new", data={
        "csrf_token": csrf_of(form), "credit_code": code, "name": "示例有限公司"})
    assert answer.status_code == 400 and "法定代表人不是您" in answer.get_data(as_text=True)
    assert asked == [{"credit_code": code, "name": "示例有限公司",
                      "representative_id_number": number}]
    assert site.hits[-1].headers[SIGNATURE_HEADER].startswith("sha256=")
    app.extensions["yiwang"].db.dispose()


def test_a_5xx_is_tried_once_more_and_a_second_answer_counts(settings, http_server, person):
    known: dict[str, str] = {}
    signed = fake_register(known)
    calls = []

    def flaky(hit):
        calls.append(hit)
        return (503, "busy") if len(calls) == 1 else signed(hit)

    site = http_server(flaky)
    number = new_id_number()
    known[number] = "王小明"
    app = _app(settings, site.url)
    browser = _logged_in(app, person)
    assert _verify(browser, "王小明", number).status_code == 303
    assert len(site.hits) == 2
    app.extensions["yiwang"].db.dispose()
