"""Properties of what registers and drives a client: redirect URIs, registration metadata,
scopes and the ``claims`` request. Valid values are accepted as they are; anything else is
refused with the module's own error (a reason string, ``ClientError``, ``InvalidRequestError``),
never another exception."""

from __future__ import annotations

import json
from urllib.parse import urlsplit, urlunsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clients.errors import ClientError
from clients.policy import DYNAMIC_SCOPES, settle_scopes
from clients.redirect_uris import redirect_uri_matches
from clients.uri_rules import redirect_uri_problem, web_uri_problem
from clients.validation import validate_metadata
from idp.claims import KNOWN_CLAIMS, release, requested_claim_names
from idp.oidc.authorization.parameters import claims_request
from idp.oidc.errors import InvalidRequestError

hosts = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,20}){1,3}", fullmatch=True)
paths = st.from_regex(r"(/[A-Za-z0-9._~-]{0,12}){0,4}", fullmatch=True)
queries = st.from_regex(r"(\?[a-z]{1,5}=[A-Za-z0-9]{0,8})?", fullmatch=True)
https_uris = st.builds(lambda h, p, q: f"https://{h}{p}{q}", hosts, paths, queries)
loopback_uris = st.builds(lambda ip, port, p: f"http://{ip}:{port}{p}",
                          st.sampled_from(["127.0.0.1", "[::1]"]), st.integers(1, 65535), paths)
native_uris = st.builds(lambda h, p: f"cn.gov.{h.split('.')[0]}.app:{p or '/'}", hosts, paths)
# What a registrant or a browser may put where a URI belongs.
hostile_uris = st.one_of(
    st.text(), st.text(alphabet=st.characters(codec=None)),
    st.builds(lambda a, b: f"https://{a}{b}", st.text(), st.text()),
    st.sampled_from(["http://[::1", "https://h:99999/", "https://h:-1/", "https://[x]/",
                     "https://é.cn/\"\\", "javascript:alert(1)", "https://a#b", "https://",
                     "com.example.app://cb", "https://h:²/", "https://h:٣/", "\x00", " ",
                     "https://" + "a" * 3000]),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


# --- redirect URIs ----------------------------------------------------------------------------

@given(st.one_of(https_uris, loopback_uris), st.sampled_from(["web", "native"]))
def test_https_and_loopback_redirect_uris_are_accepted(uri, application_type):
    assert redirect_uri_problem(uri, application_type) is None


@given(native_uris)
def test_a_reverse_domain_scheme_is_accepted_for_native_apps_only(uri):
    assert redirect_uri_problem(uri, "native") is None
    assert redirect_uri_problem(uri, "web") is not None


@given(st.one_of(hostile_uris, json_values), st.sampled_from(["web", "native", "other"]))
def test_any_value_is_an_acceptable_redirect_uri_or_a_reason(uri, application_type):
    problem = redirect_uri_problem(uri, application_type)
    assert problem is None or (isinstance(problem, str) and problem)
    web = web_uri_problem(uri)
    assert web is None or isinstance(web, str)


@given(st.lists(st.one_of(https_uris, loopback_uris), min_size=1, max_size=4),
       st.booleans())
def test_a_registered_uri_always_matches_itself(registered, any_port):
    for uri in registered:
        assert redirect_uri_matches(registered, uri, loopback_any_port=any_port)


@given(st.lists(st.one_of(https_uris, loopback_uris, hostile_uris), max_size=4),
       hostile_uris, st.booleans())
def test_matching_any_requested_uri_never_raises(registered, uri, any_port):
    assert redirect_uri_matches(registered, uri, loopback_any_port=any_port) in (True, False)


@given(loopback_uris, st.integers(1, 65535))
def test_a_loopback_uri_matches_on_any_port_only_when_allowed(uri, port):
    parts = urlsplit(uri)
    moved = urlunsplit(parts._replace(netloc=f"{parts.netloc.rsplit(':', 1)[0]}:{port}"))
    assert redirect_uri_matches([uri], moved, loopback_any_port=True)
    assert redirect_uri_matches([uri], moved, loopback_any_port=False) == (moved == uri)


@given(https_uris)
def test_an_https_uri_never_matches_another_uri(uri):
    assert not redirect_uri_matches([uri], uri + "x", loopback_any_port=True)


# --- registration metadata and scopes ---------------------------------------------------------

def _no_fetch(uri: str) -> list[str]:
    return []


@given(st.lists(https_uris, min_size=1, max_size=3, unique=True),
       st.lists(st.sampled_from(sorted(DYNAMIC_SCOPES)), max_size=6))
def test_valid_registration_metadata_is_accepted_with_its_uris_and_scopes(uris, scopes):
    values = validate_metadata({"redirect_uris": uris, "client_name": "办事",
                                "scope": " ".join(scopes)}, trusted=False, fetch=_no_fetch)
    assert values["redirect_uris"] == uris
    assert set(scopes) <= set(values["allowed_scopes"]) and "openid" in values["allowed_scopes"]


@given(st.dictionaries(st.sampled_from([
    "redirect_uris", "client_name", "scope", "grant_types", "response_types",
    "token_endpoint_auth_method", "application_type", "jwks", "jwks_uri", "subject_type",
    "post_logout_redirect_uris", "frontchannel_logout_uri", "backchannel_logout_uri",
    "default_max_age", "contacts", "software_id", "id_token_signed_response_alg",
    "sector_identifier_uri", "logo_uri", "min_level", "allowed_claims", "access_token_lifetime",
]), st.one_of(json_values, hostile_uris, st.lists(hostile_uris, max_size=3))),
    st.booleans())
def test_any_metadata_is_valid_or_a_client_error(metadata, trusted):
    try:
        values = validate_metadata(metadata, trusted=trusted, fetch=_no_fetch)
    except ClientError as exc:
        assert exc.description
        return
    assert isinstance(values["redirect_uris"], list)


@given(json_values)
def test_metadata_that_is_not_an_object_is_a_client_error(metadata):
    if isinstance(metadata, dict):
        return
    with pytest.raises(ClientError):
        validate_metadata(metadata, trusted=False, fetch=_no_fetch)


@given(st.one_of(st.text(), st.text(alphabet=st.characters(codec=None)), json_values),
       st.booleans())
def test_any_scope_value_settles_to_scope_tokens_or_a_client_error(scope, trusted):
    values = {"grant_types": ["authorization_code"]}
    try:
        settle_scopes(values, {"scope": scope}, trusted=trusted, ceiling=None)
    except ClientError:
        return
    for token in values["allowed_scopes"]:
        assert token.isascii() and token.isprintable() and " " not in token and '"' not in token
    assert "openid" in values["allowed_scopes"]
    if not trusted:
        assert set(values["allowed_scopes"]) <= DYNAMIC_SCOPES


# --- the claims request (OIDC Core §5.5) ------------------------------------------------------

claim_requests = st.dictionaries(
    st.sampled_from(["userinfo", "id_token"]),
    st.dictionaries(st.sampled_from(sorted(KNOWN_CLAIMS)),
                    st.none() | st.fixed_dictionaries({"essential": st.booleans()})),
    max_size=2)


@given(claim_requests)
def test_a_claims_request_round_trips(request):
    assert claims_request(json.dumps(request)) == request


@given(st.one_of(st.text(), st.text(alphabet="[]{}\":,1a "), st.just("[" * 5000),
                 st.just('{"a":' * 3000), json_values.map(json.dumps)))
def test_any_claims_parameter_is_a_request_or_invalid_request(raw):
    try:
        value = claims_request(raw)
    except InvalidRequestError:
        return
    assert isinstance(value, dict) and set(value) <= {"userinfo", "id_token"}


@given(json_values, st.lists(st.text(), max_size=4), st.lists(st.text(), max_size=4))
def test_release_never_gives_a_claim_the_policy_does_not_allow(requested, scopes, allowed):
    person = {"sub": "s", "name": "张三", "phone": "13812345678", "id_card": "x", "acr": "2"}
    names = requested_claim_names(requested if isinstance(requested, dict) else None)
    assert all(isinstance(n, str) for n in names)
    released = release(person, None, scopes, allowed, requested if isinstance(requested, dict)
                       else None)
    assert set(released) <= set(allowed) | {"sub", "acr"}
