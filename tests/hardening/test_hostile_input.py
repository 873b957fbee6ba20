"""Each kind of hostile input the fuzzer found, pinned as a case: what a client sees instead of a
500 (a 400 page, a JSON invalid_request, a 401 invalid_client), on SQLite and PostgreSQL where
the database is what would have failed."""

from __future__ import annotations

import base64
import re
import time
import zlib
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from hardening_world import PASSWORD, REDIRECT, SP_METADATA, World
from sqlalchemy.exc import DataError

from idp.audit import SYSTEM_ACTOR
from idp.oidc.authorization.outcomes import EXPIRED
from idp.saml.sp_metadata import import_sp
from idp.sso.session import COOKIE_NAME

EXPIRED_TEXT = EXPIRED.split("。")[0]


def _csrf(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _basic(raw: bytes) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(raw).decode("latin-1")}


@pytest.fixture
def signed_in(svc, world: World, client):
    from idp.accounts.service import find_person_by_username

    person = find_person_by_username(svc, world.username)
    token, _ = svc.sessions.create(account_id=person.id, username=person.username, level=2,
                                   amr=["pwd"])
    client.set_cookie(COOKIE_NAME, token)
    return token


# --- pages of an authorization request that is gone -------------------------------------------

PENDING_PAGES = [("GET", "/authorize/consent"), ("GET", "/authorize/select-account"),
                 ("POST", "/authorize/consent"), ("POST", "/authorize/select-account"),
                 ("GET", "/authorize/resume")]


@pytest.mark.parametrize("method, path", PENDING_PAGES)
@pytest.mark.parametrize("with_session", [False, True])
def test_a_page_whose_request_is_missing_or_expired_says_so_with_a_400(
    request, client, world, method, path, with_session
):
    if with_session:
        request.getfixturevalue("signed_in")
    csrf = _csrf(client)
    for pending in (None, "", "AAAAAAAAAAAAAAAAAAAAAAAA", "x" * 600, "é²\"\\"):
        fields = {"pending": pending} if pending is not None else {}
        if method == "GET":
            answer = client.get(path, query_string=fields)
        else:
            answer = client.post(path, data={"csrf_token": csrf, **fields})
        assert answer.status_code == 400, pending
        assert EXPIRED_TEXT in answer.get_data(as_text=True), pending


# --- text a form or a protocol parameter cannot hold ------------------------------------------

def _form_rules(app) -> list[str]:
    rules = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if "POST" in rule.methods and not getattr(view, "_csrf_exempt", False) \
                and "<" not in rule.rule and not rule.rule.startswith("/admin/api"):
            rules.append(rule.rule)
    return sorted(set(rules))


def test_a_csrf_token_of_e_acute_on_any_form_is_a_400(app, client):
    rules = _form_rules(app)
    assert "/login" in rules and "/authorize/consent" in rules
    client.get("/login")  # the session now has a CSRF token to compare with
    for rule in rules:
        answer = client.post(rule, data={"csrf_token": "é"})
        assert answer.status_code == 400, rule


@pytest.mark.parametrize("field, value", [
    ("response_type", "code\""), ("response_type", "codé"), ("response_type", "code\\"),
    ("redirect_uri", REDIRECT + "\""), ("redirect_uri", REDIRECT + "é"),
    ("redirect_uri", REDIRECT + "\\x"), ("redirect_uri", "²"),
])
def test_odd_characters_in_response_type_or_redirect_uri_are_an_invalid_request(
    client, world, signed_in, field, value
):
    client_id, secret = world.first_party
    params = {"client_id": client_id, "response_type": "code", "redirect_uri": REDIRECT,
              "scope": "openid", "code_challenge": "x" * 43, "code_challenge_method": "S256",
              field: value}
    page = client.get("/authorize", query_string=params)
    assert page.status_code == 400 and "Location" not in page.headers  # never redirected
    pushed = client.post("/par", data={**params, "client_secret": secret})
    assert pushed.status_code == 400 and pushed.json["error"] == "invalid_request"


@pytest.mark.parametrize("path", ["/token", "/introspect", "/revoke", "/par"])
def test_basic_credentials_that_are_not_utf8_text_are_invalid_client(client, path):
    for credentials in (b"\xff\xfe:\xff", b"client:\xc3", b"a%00b:c", "é:²".encode("latin-1")):
        answer = client.post(path, data={"token": "x", "grant_type": "client_credentials"},
                             headers=_basic(credentials))
        assert answer.status_code == 401 and answer.json["error"] == "invalid_client"


@pytest.mark.parametrize("path", ["/token", "/introspect", "/revoke", "/par"])
def test_basic_credentials_that_are_not_even_ascii_are_invalid_client(client, path):
    answer = client.post(path, data={"token": "x"}, headers={"Authorization": "Basic é"})
    assert answer.status_code == 401 and answer.json["error"] == "invalid_client"


# --- numbers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("max_age", ["²", "٣", "-1", "1e3", " 5", "9" * 5000])
def test_a_max_age_that_is_not_ascii_digits_is_an_invalid_request(client, world, signed_in,
                                                                   max_age):
    client_id, _ = world.first_party
    answer = client.post("/authorize", data={
        "client_id": client_id, "response_type": "code", "redirect_uri": REDIRECT,
        "scope": "openid", "code_challenge": "x" * 43, "code_challenge_method": "S256",
        "state": "s", "max_age": max_age})
    assert answer.status_code in (302, 303)
    sent = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert sent["error"] == ["invalid_request"] and "max_age" in sent["error_description"][0]


def test_a_huge_max_age_means_no_limit(client, world, signed_in):
    client_id, _ = world.first_party
    answer = client.get("/authorize", query_string={
        "client_id": client_id, "response_type": "code", "redirect_uri": REDIRECT,
        "scope": "openid", "code_challenge": "x" * 43, "code_challenge_method": "S256",
        "max_age": "9" * 18})
    assert "code" in parse_qs(urlsplit(answer.headers["Location"]).query)


def _authn_request(issuer: str, **attributes: str) -> str:
    moment = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    extra = " ".join(f'{k}="{v}"' for k, v in attributes.items())
    xml = (f'<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
           f'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_{time.time_ns()}" '
           f'Version="2.0" IssueInstant="{moment}" {extra}><saml:Issuer>{issuer}</saml:Issuer>'
           f"</samlp:AuthnRequest>").encode()
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    return base64.b64encode(squeeze.compress(xml) + squeeze.flush()).decode()


@pytest.mark.parametrize("index", ["²", "٣", "-1", "65536", "9" * 5000, ""])
def test_an_acs_index_that_is_not_an_index_is_refused_before_any_signature_check(
    client, world, index
):
    answer = client.get("/saml/sso", query_string={
        "SAMLRequest": _authn_request(world.sp, AssertionConsumerServiceIndex=index)})
    assert answer.status_code == 400 and "AssertionConsumerServiceIndex" in answer.text


def test_the_acs_index_in_ascii_digits_still_works(client, world):
    answer = client.get("/saml/sso", query_string={
        "SAMLRequest": _authn_request(world.sp, AssertionConsumerServiceIndex="0")})
    assert answer.status_code == 303 and "/login" in answer.headers["Location"]


# --- NUL and control bytes reach no database --------------------------------------------------

JSON_ENDPOINTS = [("POST", "/token"), ("POST", "/introspect"), ("POST", "/revoke"),
                  ("POST", "/par"), ("GET", "/userinfo"), ("POST", "/connect/register")]
PAGES = [("GET", "/authorize"), ("POST", "/authorize"), ("GET", "/session/end"),
         ("GET", "/saml/idp-initiated"), ("GET", "/login")]


@pytest.mark.parametrize("method, path", JSON_ENDPOINTS + PAGES)
def test_nul_control_or_bad_utf8_in_a_parameter_is_a_400_in_the_endpoints_format(
    backend, client, world, method, path
):
    for raw in ("a%00b", "a%01b", "%ff", "%ed%a0%80"):
        query = f"client_id={raw}&sp={raw}&login={raw}&token=x"
        answer = (client.get(f"{path}?{query}") if method == "GET" else
                  client.post(path, data=query,
                              content_type="application/x-www-form-urlencoded"))
        assert answer.status_code == 400, raw
        if (method, path) in JSON_ENDPOINTS:
            assert answer.json["error"] in ("invalid_request", "invalid_client_metadata")
        else:
            assert "<html" in answer.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/connect/register/a\x00b", "/static/a\x00b", "/a\x01", "/\xff",
                                  "/connect/register/\xed\xa0\x80", "/a\nb"])
def test_nul_control_or_bad_utf8_in_the_path_is_a_400(backend, client, path):
    # PATH_INFO as a WSGI server sets it (bytes as latin-1): the test client would otherwise
    # replace the invalid bytes before the app sees them.
    assert client.get("/", environ_overrides={"PATH_INFO": path}).status_code == 400


@pytest.mark.parametrize("body", [
    b'{"client_name": "a\\u0000b", "redirect_uris": ["https://rp.example/cb"]}',
    b'{"redirect_uris": ["https://rp.example/\\u001b"]}', b'{"a\\u0000": 1}',
    b'{"client_name": "\\ud800"}', b"[" * 50_000 + b"]" * 50_000,
])
def test_a_json_body_with_a_control_character_or_deep_nesting_is_a_400(backend, client, body):
    answer = client.post("/connect/register", data=body, content_type="application/json")
    assert answer.status_code == 400 and answer.json["error"] == "invalid_client_metadata"


def test_free_text_may_hold_tabs_and_line_breaks(client, world):
    answer = client.post("/login", data={"csrf_token": _csrf(client), "username": world.username,
                                         "password": "a\tb\r\nc"})
    assert answer.status_code == 303  # the usual refusal of a wrong password, not a 400


def test_a_database_refusing_a_value_is_a_400_not_a_500(app, client):
    def refused():
        raise DataError("INSERT ...", {}, Exception("invalid byte sequence"))

    app.add_url_rule("/__data_error", view_func=refused)
    app.add_url_rule("/token/__data_error", view_func=refused)
    assert client.get("/__data_error").status_code == 400
    answer = client.get("/token/__data_error")
    assert answer.status_code == 400 and answer.json["error"] == "invalid_request"


# --- keys longer than the Store's column ------------------------------------------------------

def test_an_sp_with_a_1000_character_entity_id_can_start_a_sign_in(backend, svc, client):
    entity = "https://sp.example/" + "e" * 1000
    metadata = SP_METADATA.replace(b"http://sp.fuzz/metadata", entity.encode())
    import_sp(svc, metadata, SYSTEM_ACTOR)
    request_xml = _authn_request(quote(entity, safe=":/"))
    first = client.get("/saml/sso", query_string={"SAMLRequest": request_xml})
    assert first.status_code == 303 and "/login" in first.headers["Location"]
    replayed = client.get("/saml/sso", query_string={"SAMLRequest": request_xml})
    assert replayed.status_code != 303  # the request ID was remembered under its long key


def test_a_signed_in_person_still_signs_in(client, world):
    # The guard lets an ordinary sign-in through untouched.
    answer = client.post("/login", data={"csrf_token": _csrf(client), "username": world.username,
                                         "password": PASSWORD})
    assert answer.status_code == 303 and client.get_cookie(COOKIE_NAME) is not None
