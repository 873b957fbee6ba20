"""What the authorization endpoint refuses, and how: error pages for untrusted clients or
redirect URIs, redirects (with state and iss) for everything else."""

from __future__ import annotations

import pytest
from oidc_helpers import REDIRECT, authorize_params, query


def test_an_unknown_client_gets_an_error_page_and_no_redirect(client, rp, pkce):
    response = client.get("/authorize", query_string=authorize_params(rp, pkce,
                                                                       client_id="nobody"))
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert response.mimetype == "text/html"


def test_an_unregistered_redirect_uri_gets_an_error_page_and_no_redirect(client, rp, pkce):
    params = authorize_params(rp, pkce, redirect_uri="https://evil.example.com/cb")
    response = client.get("/authorize", query_string=params)
    assert response.status_code == 400 and "Location" not in response.headers


def test_a_redirect_uri_differing_only_by_query_is_not_registered(client, rp, pkce):
    params = authorize_params(rp, pkce, redirect_uri=REDIRECT + "?x=1")
    assert client.get("/authorize", query_string=params).status_code == 400


def test_a_disabled_client_is_refused_with_an_error_page(client, svc, rp, pkce):
    from clients.registry import disable_client
    from idp.audit import SYSTEM_ACTOR

    disable_client(svc, rp.client_id, SYSTEM_ACTOR)
    response = client.get("/authorize", query_string=authorize_params(rp, pkce))
    assert response.status_code == 400 and "Location" not in response.headers


@pytest.mark.parametrize(("change", "error"), [
    ({"response_type": None}, "unsupported_response_type"),
    ({"response_type": "token"}, "unsupported_response_type"),
    ({"response_type": "code id_token"}, "unsupported_response_type"),
    ({"request": "eyJhbGciOiJub25lIn0.e30."}, "request_not_supported"),
    ({"request_uri": "https://rp.example.gov.cn/request.jwt"}, "request_uri_not_supported"),
    ({"code_challenge_method": "plain"}, "invalid_request"),
    ({"prompt": "none login"}, "invalid_request"),
    ({"max_age": "soon"}, "invalid_request"),
    ({"claims": "not json"}, "invalid_request"),
    ({"response_mode": "jwt"}, "invalid_request"),
])
def test_bad_requests_are_answered_by_redirect_with_state_and_iss(
    client, app, rp, pkce, person, login, change, error
):
    login(person)
    params = authorize_params(rp, pkce)
    params.update(change)
    params = {k: v for k, v in params.items() if v is not None}
    response = client.get("/authorize", query_string=params)
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
    answer = query(response)
    assert answer["error"] == error
    assert answer["state"] == "s-1"
    assert answer["iss"] == app.extensions["yiwang"].settings.issuer
    assert not set(answer.get("error_description", "")) & {"\r", "\n", "\t"}


def test_a_public_client_without_pkce_is_refused(client, make_client, person, login):
    public = make_client(token_endpoint_auth_method="none")
    login(person)
    answer = query(client.get("/authorize", query_string=authorize_params(public)))
    assert answer["error"] == "invalid_request"


@pytest.mark.parametrize("display", ["page", "popup"])
def test_unknown_parameters_are_ignored(client, rp, pkce, person, login, display):
    login(person)
    params = authorize_params(rp, pkce, extra_param="foo", display=display, ui_locales="en",
                              claims_locales="zh-CN", login_hint="zhangsan")
    assert "code" in query(client.get("/authorize", query_string=params))


def test_parameter_and_scope_order_do_not_matter(client, rp, pkce, person, login):
    login(person)
    params = dict(reversed(list(authorize_params(rp, pkce, scope="profile openid").items())))
    assert "code" in query(client.get("/authorize", query_string=params))


def test_the_authorization_endpoint_accepts_post(client, rp, pkce, person, login):
    login(person)
    response = client.post("/authorize", data=authorize_params(rp, pkce))
    assert response.status_code == 303 and "code" in query(response)


def test_authorization_pages_forbid_framing_and_referrers_and_allow_no_cors(client, rp, pkce):
    response = client.get("/authorize", query_string=authorize_params(rp, pkce),
                          headers={"Origin": "https://evil.example.com"})
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Access-Control-Allow-Origin" not in response.headers
