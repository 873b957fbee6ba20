"""Client metadata validation (RFC 7591 §2, OIDC Registration §2): every bad value is refused
with the right error code and a description; good values are accepted."""

import pytest

from clients.errors import InvalidClientMetadata, InvalidRedirectUri
from clients.validation import validate_metadata

BASE = {"client_name": "不动产登记", "redirect_uris": ["https://bdc.example.gov.cn/cb"]}


def _validate(trusted=True, fetch=None, **changes):
    metadata = {**BASE, **changes}
    kwargs = {"fetch": fetch} if fetch else {}
    return validate_metadata(metadata, trusted=trusted, **kwargs)


@pytest.mark.parametrize(
    ("redirect_uri", "application_type", "reason"),
    [
        ("https://bdc.example.gov.cn/cb#frag", "web", "fragment"),
        ("https://bdc.example.gov.cn/cb#", "web", "fragment"),
        ("http://bdc.example.gov.cn/cb", "web", "https"),
        ("http://bdc.example.gov.cn/cb", "native", "https"),
        ("/relative/cb", "web", "absolute"),
        ("bdc.example.gov.cn/cb", "web", "absolute"),
        ("com.example.app:/cb", "web", "native"),
        ("myapp:/cb", "native", "reverse domain"),
        ("javascript:alert(1)", "native", "javascript"),
        ("data:text/html,hi", "native", "data"),
        ("https:///cb", "web", "host"),
        ("https://bdc.example.gov.cn:99999/cb", "web", "valid"),
        (" https://bdc.example.gov.cn/cb", "web", "spaces"),
        ("", "web", "non-empty"),
        (42, "web", "string"),
        ("https://x.gov.cn/" + "a" * 2000, "web", "longer"),
    ],
)
def test_bad_redirect_uris_are_refused_as_invalid_redirect_uri(
    redirect_uri, application_type, reason
):
    with pytest.raises(InvalidRedirectUri) as caught:
        _validate(redirect_uris=[redirect_uri], application_type=application_type)
    assert caught.value.error == "invalid_redirect_uri"
    assert reason in caught.value.description


@pytest.mark.parametrize(
    ("redirect_uri", "application_type"),
    [
        ("https://bdc.example.gov.cn/cb", "web"),
        ("https://bdc.example.gov.cn/cb?tenant=1", "web"),
        ("http://localhost:5000/cb", "web"),
        ("http://127.0.0.1:5000/cb", "web"),
        ("http://[::1]:5000/cb", "native"),
        ("http://127.0.0.1/cb", "native"),
        ("cn.gov.example.app:/oauth2redirect", "native"),
        ("https://app.example.gov.cn/cb", "native"),
    ],
)
def test_good_redirect_uris_are_accepted(redirect_uri, application_type):
    values = _validate(redirect_uris=[redirect_uri], application_type=application_type)
    assert values["redirect_uris"] == [redirect_uri]


@pytest.mark.parametrize(
    "redirect_uris", [None, [], "https://bdc.example.gov.cn/cb"]
)
def test_the_code_flow_needs_a_list_of_redirect_uris(redirect_uris):
    with pytest.raises(InvalidRedirectUri):
        _validate(redirect_uris=redirect_uris)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"client_name": ""}, "client_name"),
        ({"client_name": None}, "client_name"),
        ({"token_endpoint_auth_method": "client_secret_jwt"}, "token_endpoint_auth_method"),
        ({"grant_types": ["implicit"]}, "grant_types"),
        ({"grant_types": ["password"]}, "grant_types"),
        ({"grant_types": "authorization_code"}, "grant_types"),
        ({"response_types": ["token"]}, "response_types"),
        ({"response_types": ["code id_token"]}, "response_types"),
        ({"grant_types": ["client_credentials"], "response_types": ["code"]}, "response_types"),
        ({"grant_types": ["client_credentials"], "token_endpoint_auth_method": "none"},
         "grant_types"),
        ({"application_type": "desktop"}, "application_type"),
        ({"subject_type": "random"}, "subject_type"),
        ({"id_token_signed_response_alg": "none"}, "id_token_signed_response_alg"),
        ({"id_token_signed_response_alg": "HS256"}, "id_token_signed_response_alg"),
        ({"userinfo_signed_response_alg": "none"}, "userinfo_signed_response_alg"),
        ({"token_endpoint_auth_method": "private_key_jwt"}, "token_endpoint_auth_method"),
        ({"jwks": {"keys": []}}, "jwks"),
        ({"jwks": {"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}}, "jwks"),
        ({"jwks": {"keys": [{"kty": "EC", "crv": "P-256", "x": "!", "y": "!"}]}}, "jwks"),
        ({"jwks": {"keys": [{"kty": "EC"}]}, "jwks_uri": "https://x.gov.cn/jwks"}, "jwks"),
        ({"jwks_uri": "http://x.gov.cn/jwks"}, "jwks_uri"),
        ({"post_logout_redirect_uris": ["https://x.gov.cn/#a"]}, "post_logout_redirect_uris"),
        ({"post_logout_redirect_uris": "https://x.gov.cn/"}, "post_logout_redirect_uris"),
        ({"backchannel_logout_uri": "http://bdc.example.gov.cn/bc"}, "backchannel_logout_uri"),
        ({"backchannel_logout_uri": "https://bdc.example.gov.cn/bc#x"}, "backchannel_logout_uri"),
        ({"frontchannel_logout_uri": "https://other.example.gov.cn/fc"},
         "frontchannel_logout_uri"),
        ({"backchannel_logout_session_required": "yes"}, "backchannel_logout_session_required"),
        ({"logo_uri": "ftp://x.gov.cn/logo.png"}, "logo_uri"),
        ({"contacts": "a@b.cn"}, "contacts"),
        ({"default_max_age": -1}, "default_max_age"),
        ({"scope": "openid \"bad\""}, "scope"),
        ({"scope": ["openid"]}, "scope"),
        ({"scope": "openid bogus"}, "scope"),
        ({"scope": "profile admin:all"}, "scope"),
        ({"min_level": 4}, "min_level"),
        ({"min_level": "2"}, "min_level"),
        ({"first_party": "true"}, "first_party"),
        ({"access_token_lifetime": 10}, "access_token_lifetime"),
        ({"allowed_claims": ["password"]}, "allowed_claims"),
        ({"refresh_token_lifetime": 86400, "refresh_token_absolute_lifetime": 3600},
         "refresh_token_absolute_lifetime"),
        ({"subject_type": "pairwise",
          "redirect_uris": ["https://a.gov.cn/cb", "https://b.gov.cn/cb"]},
         "sector_identifier_uri"),
    ],
)
def test_bad_metadata_is_refused_as_invalid_client_metadata(changes, field):
    with pytest.raises(InvalidClientMetadata) as caught:
        _validate(**changes)
    assert caught.value.error == "invalid_client_metadata"
    assert caught.value.description.startswith(field)


def test_a_body_that_is_not_an_object_is_invalid_client_metadata():
    with pytest.raises(InvalidClientMetadata):
        validate_metadata(["redirect_uris"], trusted=False)


def test_defaults_follow_rfc_7591():
    values = _validate()
    assert values["token_endpoint_auth_method"] == "client_secret_basic"
    assert values["grant_types"] == ["authorization_code"]
    assert values["response_types"] == ["code"]
    assert values["id_token_signed_response_alg"] == "RS256"
    assert values["subject_type"] == "public"
    assert values["sector_identifier"] == "bdc.example.gov.cn"
    assert "id_card" not in values["allowed_claims"]


def test_unknown_metadata_is_ignored():
    # RFC 7591 §2: the server MUST ignore metadata it does not understand.
    assert "frobnicate" not in str(_validate(frobnicate=True))


def test_a_self_registered_client_cannot_grant_itself_policy():
    values = _validate(trusted=False, first_party=True, min_level=3,
                       allowed_claims=["id_card"], scope="openid id_card legal_person email")
    assert values["allowed_scopes"] == ["openid", "email"]
    assert values["allowed_claims"] == ["email", "email_verified", "sub"]
    assert "first_party" not in values and "min_level" not in values


def test_an_administrator_may_allow_the_id_card_claim():
    values = _validate(scope="openid id_card", allowed_claims=["id_card", "name"])
    assert values["allowed_scopes"] == ["openid", "id_card"]
    assert values["allowed_claims"] == ["id_card", "name"]


def test_offline_access_and_the_refresh_grant_go_together():
    assert "refresh_token" in _validate(scope="openid offline_access")["grant_types"]
    values = _validate(grant_types=["authorization_code", "refresh_token"])
    assert "offline_access" in values["allowed_scopes"]
    assert "refresh_token" in _validate(allow_refresh=True)["grant_types"]


def test_a_client_credentials_client_needs_no_redirect_uri():
    values = _validate(grant_types=["client_credentials"], redirect_uris=None)
    assert values["redirect_uris"] == [] and values["response_types"] == []


def test_private_key_jwt_takes_public_keys():
    from joserfc.jwk import ECKey

    public = ECKey.generate_key("P-256").as_dict(private=False)
    values = _validate(token_endpoint_auth_method="private_key_jwt", jwks={"keys": [public]})
    assert values["jwks"] == {"keys": [public]}


def test_a_sector_identifier_uri_must_list_every_redirect_uri():
    listed = ["https://a.gov.cn/cb", "https://b.gov.cn/cb"]
    values = _validate(
        subject_type="pairwise", redirect_uris=listed,
        sector_identifier_uri="https://sector.gov.cn/uris.json", fetch=lambda _uri: listed,
    )
    assert values["sector_identifier"] == "sector.gov.cn"
    with pytest.raises(InvalidClientMetadata, match="does not list"):
        _validate(subject_type="pairwise", redirect_uris=listed,
                  sector_identifier_uri="https://sector.gov.cn/uris.json",
                  fetch=lambda _uri: listed[:1])


def test_frontchannel_logout_uri_on_the_redirect_origin_is_accepted():
    values = _validate(frontchannel_logout_uri="https://bdc.example.gov.cn/fc")
    assert values["frontchannel_logout_uri"] == "https://bdc.example.gov.cn/fc"


FIELDS = [
    "client_name", "redirect_uris", "token_endpoint_auth_method", "grant_types",
    "response_types", "application_type", "subject_type", "sector_identifier_uri",
    "id_token_signed_response_alg", "userinfo_signed_response_alg", "jwks", "jwks_uri",
    "post_logout_redirect_uris", "backchannel_logout_uri", "backchannel_logout_session_required",
    "frontchannel_logout_uri", "frontchannel_logout_session_required", "scope", "contacts",
    "logo_uri", "default_max_age", "require_auth_time", "software_id", "department",
    "allowed_claims", "min_level", "first_party", "allow_refresh", "access_token_lifetime",
    "refresh_token_lifetime",
]
JUNK = [None, 0, -1, True, 1.5, "", "x" * 3000, "http://[::1", [], [1], [None], ["x"], {},
        {"keys": [1]}, {"a": [1]}]


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("trusted", [True, False])
def test_no_metadata_value_gives_anything_but_a_registration_error(field, trusted):
    for junk in JUNK:
        try:
            _validate(trusted=trusted, fetch=lambda _uri: [], **{field: junk})
        except (InvalidClientMetadata, InvalidRedirectUri) as error:
            assert error.description


def test_a_scope_the_idp_does_not_define_is_refused_by_name():
    # An unknown scope would be granted to nobody and released as nothing: registering it
    # only hides a typo ("emial") from the administrator (discovery's scopes_supported).
    with pytest.raises(InvalidClientMetadata) as caught:
        _validate(scope="openid profile emial")
    assert "does not define: emial;" in caught.value.description


def test_every_scope_in_discovery_can_be_registered():
    from idp.claims import SUPPORTED_SCOPES

    values = _validate(scope=" ".join(SUPPORTED_SCOPES), allowed_claims=["name"])
    assert set(values["allowed_scopes"]) == set(SUPPORTED_SCOPES)
