"""HSTS (RFC 6797): an https issuer tells browsers to use https only, on every response."""

from __future__ import annotations

from dataclasses import replace

import pytest

HSTS = "max-age=31536000; includeSubDomains"
# A page, a JSON document, a redirect, a static file, an error and a token endpoint refusal.
PATHS = ["/", "/.well-known/openid-configuration", "/logout", "/static/style.css",
         "/no-such-page", "/authorize", "/?q=%00"]


@pytest.fixture
def https_client(settings):
    from idp.app import create_app

    app = create_app(replace(settings, issuer="https://idp.example.gov.cn"))
    yield app.test_client()
    app.extensions["yiwang"].db.dispose()


@pytest.mark.parametrize("path", PATHS)
def test_every_response_of_an_https_issuer_carries_hsts(https_client, path):
    response = https_client.get(path, base_url="https://idp.example.gov.cn")
    response.close()  # a static file is streamed from an open file
    assert response.headers.get("Strict-Transport-Security") == HSTS


def test_a_refused_post_of_an_https_issuer_carries_hsts_too(https_client):
    response = https_client.post("/token", base_url="https://idp.example.gov.cn")
    assert response.status_code >= 400
    assert response.headers.get("Strict-Transport-Security") == HSTS


def test_an_http_issuer_sends_no_hsts(client):
    # RFC 6797 §7.2: HSTS over plain http is ignored; development issuers are http.
    assert "Strict-Transport-Security" not in client.get("/").headers
