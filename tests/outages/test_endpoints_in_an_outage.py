"""Every kind of endpoint while Redis or PostgreSQL is down: the protocol and API endpoints
answer a JSON ``temporarily_unavailable`` error, pages (/authorize included) a 503 page, both
with Retry-After; the ones that need nothing down keep working; none answers 500."""

from __future__ import annotations

import base64
import time
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest
from outage_helpers import REDIRECT, pkce_pair, seed

from admin.web import session as console
from idp.accounts.service import find_person_by_username
from idp.sso.session import COOKIE_NAME

pytestmark = pytest.mark.outages

# Answered as JSON during an outage (RFC 6749 §5.2 shape); everything else is a page.
JSON = {"token", "introspect", "revoke", "par", "userinfo", "register", "admin_api", "jwks",
        "discovery", "readyz"}


@pytest.fixture
def settings(settings, postgres, redis_server):
    return replace(settings, database_url=postgres.url, redis_url=redis_server.url,
                   redis_timeout_seconds=1, db_timeout_seconds=1)


@pytest.fixture
def site(app, client):
    """A signed-in browser, a relying party and a user's access token, all while all is well."""
    services = app.extensions["yiwang"]
    username, client_id, secret = seed(services)
    account = find_person_by_username(services, username)
    token, _ = services.sessions.create(account_id=account.id, username=username, level=2,
                                        amr=["pwd"])
    client.set_cookie(COOKIE_NAME, token)
    with client.session_transaction() as cookie:  # a console session: roles come from the db
        cookie[console.KEY] = {"account_id": account.id, "username": username,
                               "started": int(time.time()), "seen": int(time.time())}
    basic = {"Authorization": "Basic " + base64.b64encode(
        f"{client_id}:{secret}".encode()).decode()}
    verifier, challenge = pkce_pair()
    authorize = {"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT,
                 "scope": "openid", "state": "s", "nonce": "n", "code_challenge": challenge,
                 "code_challenge_method": "S256"}
    answer = client.get("/authorize", query_string=authorize)
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    tokens = client.post("/token", headers=basic, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
        "code_verifier": verifier}).json
    return {"basic": basic, "authorize": authorize, "access_token": tokens["access_token"]}


def _requests(client, site) -> dict[str, object]:
    basic, bearer = site["basic"], {"Authorization": f"Bearer {site['access_token']}"}
    return {
        "account": client.get("/account"),
        "authorize": client.get("/authorize", query_string=site["authorize"]),
        "login": client.get("/login"),
        "token": client.post("/token", headers=basic, data={"grant_type": "client_credentials"}),
        "introspect": client.post("/introspect", headers=basic,
                                  data={"token": site["access_token"]}),
        "revoke": client.post("/revoke", headers=basic, data={"token": "not-a-token"}),
        "par": client.post("/par", headers=basic, data=site["authorize"]),
        "userinfo": client.get("/userinfo", headers=bearer),
        "register": client.post("/connect/register", json={"redirect_uris": [REDIRECT]}),
        "admin_api": client.get("/admin/api/me"),
        "jwks": client.get("/jwks"),
        "discovery": client.get("/.well-known/openid-configuration"),
        "readyz": client.get("/readyz"),
    }


def _check(answers: dict) -> set[str]:
    """No 500; every 503 well formed for its kind of client. The names that answered 503."""
    unavailable = set()
    for name, answer in answers.items():
        assert answer.status_code != 500, (name, answer.get_data(as_text=True)[:300])
        if answer.status_code != 503:
            continue
        unavailable.add(name)
        assert answer.headers["Retry-After"] == "5"
        assert answer.headers["Cache-Control"] == "no-store"
        if name in JSON:
            assert answer.mimetype == "application/json", name
            if name != "readyz":
                assert answer.json["error"] == "temporarily_unavailable", name
        else:
            assert answer.mimetype == "text/html", name
            assert "服务暂时不可用" in answer.get_data(as_text=True), name
    return unavailable


def test_with_redis_down_store_bound_endpoints_answer_503_and_the_rest_still_work(
    client, site, redis_server
):
    assert _check(_requests(client, site)) == set()
    redis_server.stop()
    answers = _requests(client, site)
    unavailable = _check(answers)
    assert unavailable >= {"account", "authorize", "login", "introspect", "par", "userinfo",
                           "readyz"}
    assert answers["readyz"].json == {"status": "unavailable", "database": "ok",
                                      "store": "unavailable"}
    assert answers["discovery"].status_code == 200 and answers["jwks"].status_code == 200
    redis_server.start()
    assert _check(_requests(client, site)) == set()


def test_with_the_database_down_database_bound_endpoints_answer_503(client, site, postgres):
    assert _check(_requests(client, site)) == set()
    postgres.stop()
    try:
        answers = _requests(client, site)
    finally:
        postgres.start()
    unavailable = _check(answers)
    assert unavailable >= {"account", "token", "revoke", "userinfo", "admin_api", "readyz"}
    assert answers["readyz"].json == {"status": "unavailable", "database": "unavailable",
                                      "store": "ok"}
    assert answers["discovery"].status_code == 200
    assert _check(_requests(client, site)) == set()
