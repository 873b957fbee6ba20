"""SSO and single logout on every storage the IdP runs on: SQLite or PostgreSQL, with the
Store in SQL or Redis (many nodes share state through them)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from saml2 import BINDING_HTTP_REDIRECT
from saml_helpers import form_of, query_of


@pytest.fixture(params=["sql-store", "redis-store"])
def settings(request, settings, redis_store_url):
    return replace(settings, redis_url=redis_store_url) if request.param == "redis-store" \
        else settings


def test_sso_then_single_logout(backend, pysaml2_sp, browser, signed_in, svc):
    session = signed_in()
    sp = pysaml2_sp()
    answer = sp.accept(form_of(browser.get(sp.login_url()))[1]["SAMLResponse"])
    assert answer.ava["displayName"] == ["张三"]
    (_, http_args), = sp.client.global_logout(answer.name_id).values()
    done = browser.get(dict(http_args["headers"])["Location"])
    reply = sp.client.parse_logout_request_response(
        query_of(done.headers["Location"])["SAMLResponse"], BINDING_HTTP_REDIRECT)
    assert reply.status_ok()
    assert svc.sessions.by_sid(session.sid) is None
