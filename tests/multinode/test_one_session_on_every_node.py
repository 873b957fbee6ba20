"""One SSO session on every node: a login through node A roams a relying party through node B,
and a logout through B ends it on A."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests
from multinode_helpers import BYE, Authorization, authorize, log_in, redeem, verified_id_token


def test_a_login_through_node_a_signs_the_person_in_to_a_relying_party_through_node_b(cluster):
    browser = requests.Session()
    login = log_in(cluster, browser, node="a")
    assert login.status_code == 303 and login.headers["X-Served-By"] == "a"

    grant = authorize(cluster, browser, node="b")
    assert isinstance(grant, Authorization), grant.status_code  # no second login
    assert grant.served_by == "b"
    tokens = redeem(cluster, grant)
    claims = verified_id_token(cluster, tokens["id_token"], node="b")
    assert claims["iss"] == cluster.url and claims["aud"] == cluster.client_id
    userinfo = grant.rp.get(cluster.endpoint("userinfo"), timeout=20)
    assert userinfo.headers["X-Served-By"] == "b"
    assert userinfo.json()["sub"] == claims["sub"]


def test_a_logout_through_node_b_ends_the_session_on_node_a(cluster):
    browser = requests.Session()
    assert log_in(cluster, browser, node="a").status_code == 303
    grant = authorize(cluster, browser, node="a")
    id_token = redeem(cluster, grant)["id_token"]

    bye = browser.get(cluster.endpoint("end_session"), headers={"X-Pin-Node": "b"}, params={
        "id_token_hint": id_token, "post_logout_redirect_uri": BYE, "state": "s1"},
        allow_redirects=False, timeout=20)
    assert bye.headers["X-Served-By"] == "b" and bye.status_code in (302, 303)
    assert bye.headers["Location"].startswith(BYE)
    assert parse_qs(urlsplit(bye.headers["Location"]).query)["state"] == ["s1"]

    # The browser may still hold a cookie; node A no longer honours it.
    again = authorize(cluster, browser, node="a")
    assert not isinstance(again, Authorization)
    assert again.headers["X-Served-By"] == "a"
    assert urlsplit(again.headers["Location"]).path == "/login"
    account = browser.get(f"{cluster.url}/account", headers={"X-Pin-Node": "a"},
                          allow_redirects=False, timeout=20)
    assert account.status_code in (302, 303)
    assert urlsplit(account.headers["Location"]).path == "/login"
