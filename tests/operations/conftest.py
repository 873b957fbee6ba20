"""Operating the IdP: /metrics, request ids, JSON logs. An app with /metrics guarded by a token,
a scrape parsed with prometheus-client's own parser, people and clients to count."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from clients.registry import register_client
from idp.accounts.identity_numbers import id_number_check_char
from idp.accounts.service import create_person
from idp.audit import SYSTEM_ACTOR
from tests.operations.operations_helpers import PASSWORD, TOKEN, parse


@pytest.fixture
def metrics_app(settings):
    from idp.app import create_app

    app = create_app(replace(settings, metrics_token=TOKEN))
    app.config["TESTING"] = True
    yield app
    app.extensions["yiwang"].db.dispose()


@pytest.fixture
def browser(metrics_app):
    return metrics_app.test_client()


@pytest.fixture
def scrape(browser) -> Callable[[], dict]:
    def samples() -> dict:
        response = browser.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200
        return parse(response.get_data(as_text=True))

    return samples


@pytest.fixture
def citizen(metrics_app):
    first17 = "11010519800101001"
    return create_person(metrics_app.extensions["yiwang"], SYSTEM_ACTOR, username="wangwu",
                         password=PASSWORD, name="王五",
                         id_number=first17 + id_number_check_char(first17), assurance_level=2)


@pytest.fixture
def api_client(metrics_app):
    """A department's back-end program: client credentials only."""
    client, secret = register_client(
        metrics_app.extensions["yiwang"],
        {"client_name": "社保接口", "redirect_uris": [], "grant_types": ["client_credentials"],
         "scope": "profile", "first_party": True}, SYSTEM_ACTOR)
    return client.client_id, secret
