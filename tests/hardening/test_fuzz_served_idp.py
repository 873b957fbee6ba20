"""No input makes the served IdP answer 5xx: hostile variants of real requests to every public
endpoint of a real `idp serve`, on SQLite and PostgreSQL, signed out, signed in and
half-way through a login.

The endpoints come from the app's url_map, so a new endpoint is fuzzed without touching this
file; the admin console (``/admin``) has its own fuzz test. Each request starts from one the
endpoint accepts (a live authorization request, a valid token, the form's CSRF token) so the
hostile value reaches past the first check. The generator is seeded: a failure names the exact
request, and the same seed sends it again.
"""

from __future__ import annotations

import base64
import os
import random
import re
import time
import zlib
from dataclasses import dataclass
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from fuzzing import Endpoint, Fuzzer, assert_no_server_error, endpoints, saml_payloads
from hardening_world import PASSWORD, REDIRECT, SP_ENTITY, World

# Fixed for CI; set FUZZ_SEED (and FUZZ_PER_ENDPOINT) to explore further from a shell.
SEED = int(os.environ.get("FUZZ_SEED", "20240610"))
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
PER_ENDPOINT = int(os.environ.get("FUZZ_PER_ENDPOINT", "40"))  # per endpoint and state
_HIDDEN = re.compile(r'name="(\w+)" value="([^"]*)"')
# Requests that end the SSO session (or delete the registered client) go last, so the rest of
# a batch runs signed in.
_ENDS_SESSION = ("/logout", "/session/end", "/saml/slo", "/account/sessions")


def _public(rule: str) -> bool:
    return not rule.startswith("/admin")


def _authn_request(*, deflate: bool) -> str:
    """An unsigned AuthnRequest from the registered SP, encoded for the Redirect binding
    (deflate) or the POST binding."""
    moment = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    xml = (f'<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
           f'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_fuzz{time.time_ns()}" '
           f'Version="2.0" IssueInstant="{moment}"><saml:Issuer>{SP_ENTITY}</saml:Issuer>'
           f"</samlp:AuthnRequest>").encode()
    if deflate:
        squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
        xml = squeeze.compress(xml) + squeeze.flush()
    return base64.b64encode(xml).decode()


def _pending_of(answer: requests.Response) -> str:
    return parse_qs(urlsplit(answer.headers["Location"]).query)["pending"][0]


@dataclass
class State:
    """One browser state to fuzz from: its cookie and the baselines valid for it."""

    cookie: str
    baselines: dict[str, dict[str, str]]


def _cookie(browser: requests.Session) -> str:
    return "; ".join(f"{k}={v}" for k, v in browser.cookies.items())


def _csrf(page: requests.Response) -> str:
    return unescape(dict(_HIDDEN.findall(page.text))["csrf_token"])


def _states(base: str, world: World) -> tuple[State, State, State]:
    """(signed out, signed in, half-way through a login): a real sign-in, code flow, consent
    and chooser requests, and a login waiting for a new password and a TOTP code."""
    first_id, first_secret = world.first_party
    third_id, third_secret = world.third_party
    authorize = {"client_id": first_id, "response_type": "code", "redirect_uri": REDIRECT,
                 "scope": "openid profile", "state": "s", "nonce": "n",
                 "code_challenge": "N4-5v7LG-T8x3fWSLZ-7W4IevaqpPl0Ln-6oRgYUj1Q",
                 "code_challenge_method": "S256", "max_age": "3600"}
    anonymous = requests.Session()
    anon_csrf = _csrf(anonymous.get(f"{base}/login", timeout=10))
    login_at = anonymous.get(f"{base}/authorize", params=authorize, allow_redirects=False,
                             timeout=10)
    login_id = parse_qs(urlsplit(login_at.headers["Location"]).query)["login"][0]

    browser = requests.Session()
    signed_in = browser.post(f"{base}/login", allow_redirects=False, timeout=10, data={
        "csrf_token": _csrf(browser.get(f"{base}/login", timeout=10)),
        "username": world.username, "password": PASSWORD})
    assert signed_in.status_code == 303 and "yiwang_sso" in browser.cookies, signed_in.text
    csrf = _csrf(browser.get(f"{base}/account", timeout=10))
    stepping = requests.Session()
    halfway = stepping.post(f"{base}/login", allow_redirects=False, timeout=10, data={
        "csrf_token": _csrf(stepping.get(f"{base}/login", timeout=10)),
        "username": world.stepper, "password": PASSWORD})
    assert halfway.headers["Location"].endswith("/login/password"), halfway.text
    step_csrf = _csrf(stepping.get(f"{base}/login/password", timeout=10))
    answer = browser.get(f"{base}/authorize", allow_redirects=False, timeout=10, params={
        **authorize, "max_age": "", "scope": "openid profile offline_access"})
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    tokens = requests.post(f"{base}/token", timeout=10, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
        "code_verifier": "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFbEjXk",
        "client_id": first_id, "client_secret": first_secret}).json()
    assert "access_token" in tokens, tokens
    consent = _pending_of(browser.get(f"{base}/authorize", allow_redirects=False, timeout=10,
                                      params={**authorize, "client_id": third_id}))
    choose = _pending_of(browser.get(f"{base}/authorize", allow_redirects=False, timeout=10,
                                     params={**authorize, "prompt": "select_account"}))
    registration = {"client_name": "动态", "redirect_uris": [REDIRECT]}
    registered = requests.post(f"{base}/connect/register", json=registration, timeout=10, headers={
        "Authorization": f"Bearer {world.initial_token}"}).json()
    assert "registration_access_token" in registered, registered

    def baselines(csrf: str) -> dict[str, dict[str, str]]:
        confidential = {"client_id": first_id, "client_secret": first_secret}
        found = {
            "/authorize": authorize,
            "/authorize/resume": {"pending": consent},
            "/authorize/consent": {"pending": consent, "decision": "allow", "csrf_token": csrf},
            "/authorize/select-account": {"pending": choose, "choice": "continue",
                                          "csrf_token": csrf},
            "/par": {**authorize, **confidential},
            "/token": [
                {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
                 **confidential},
                {"grant_type": "client_credentials", "scope": "openid",
                 "client_assertion_type": JWT_BEARER, "client_assertion": tokens["id_token"]},
                {"grant_type": "authorization_code", "code": "x", "redirect_uri": REDIRECT,
                 "code_verifier": "v" * 43, **confidential},
            ],
            "/introspect": {"token": tokens["access_token"], **confidential},
            "/revoke": {"token": tokens["refresh_token"], "token_type_hint": "refresh_token",
                        "client_id": third_id, "client_secret": third_secret},
            "/userinfo": {"@Authorization": f"Bearer {tokens['access_token']}"},
            "/logout": {"csrf_token": csrf},
            "/session/end": {"id_token_hint": tokens["id_token"], "client_id": first_id,
                             "post_logout_redirect_uri": "https://rp.example.gov.cn/bye",
                             "state": "s"},
            "/session/end/confirm": {"csrf_token": csrf, "id_token_hint": tokens["id_token"]},
            "/login": {"login": login_id, "username": world.username, "password": "wrong",
                       "door": "person", "csrf_token": csrf},
            "/connect/register": {"@Authorization": f"Bearer {world.initial_token}",
                                  **registration},
            "/connect/register/<client_id>": {
                "<client_id>": registered["client_id"], "client_id": registered["client_id"],
                "@Authorization": f"Bearer {registered['registration_access_token']}",
                **registration},
            "GET /saml/sso": {"SAMLRequest": _authn_request(deflate=True), "RelayState": "r"},
            "POST /saml/sso": {"SAMLRequest": _authn_request(deflate=False), "RelayState": "r"},
            "/saml/idp-initiated": {"sp": SP_ENTITY, "RelayState": "r"},
            "/saml/slo": {"SAMLRequest": _authn_request(deflate=True)},
            "/saml/resume": {"req": login_id},
            "/static/<path:filename>": {"<filename>": "style.css"},
        }
        for rule in ("/login/entity", "/login/level", "/account", "/account/mfa/totp",
                     "/account/mfa/totp/remove", "/account/sessions/end",
                     "/account/sites/revoke", "/account/mfa/codes"):
            found[rule] = {"csrf_token": csrf, "login": login_id, "site": f"oidc:{first_id}",
                           "code": "123456", "sid": "x", "authorisation": "x"}
        found["/login/password"] = {"csrf_token": csrf, "password": "a new passphrase 9",
                                    "confirm": "a new passphrase 9"}
        found["/login/otp"] = {"csrf_token": csrf, "code": "123456"}
        return found

    return (State(_cookie(anonymous), baselines(anon_csrf)),
            State(_cookie(browser), baselines(csrf)),
            State(_cookie(stepping), baselines(step_csrf)))


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_no_hostile_request_to_a_public_endpoint_gets_a_5xx(
    backend, app, world, idp_env, serve_idp, tmp_path
):
    log = tmp_path / "server.log"
    base = serve_idp(idp_env(), log=log)
    states = _states(base, world)
    rng = random.Random(SEED)
    extra = saml_payloads(rng)
    rules = endpoints(app, keep=_public)
    assert {"/authorize", "/token", "/saml/sso", "/login"} <= {e.rule for e in rules}

    batches = []
    for state in states:
        fuzzer = Fuzzer(rng, state.baselines, extra_values=extra)
        batch = fuzzer.requests(rules, PER_ENDPOINT, cookie=state.cookie)
        batch.sort(key=lambda r: r.method == "DELETE" or r.target.startswith(_ENDS_SESSION))
        batches += batch
    assert_no_server_error(base, batches, log, backend, len(rules), by_label=True)


def test_the_fuzzer_repeats_itself_for_one_seed():
    def run() -> list:
        rng = random.Random(SEED)
        fuzzer = Fuzzer(rng, {"/x": {"a": "1"}}, extra_values=saml_payloads(rng))
        return fuzzer.requests([Endpoint("/x", ("GET", "POST"))], 50)

    assert run() == run()

