"""Signing and verifying JWTs through SigningKeys: every algorithm, kids, refused tokens."""

import base64
import json

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey

from keys.signing import TokenVerificationError

ALGORITHMS = ["RS256", "PS256", "ES256", "EdDSA"]


def _header(token: str) -> dict:
    part = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_every_algorithm_signs_and_its_token_verifies(signing_keys, alg):
    token = signing_keys.sign_jwt({"sub": "alice"}, alg)
    assert signing_keys.verify_jwt(token, [alg]) == {"sub": "alice"}
    assert _header(token)["alg"] == alg


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_the_header_carries_the_kid_of_a_published_key_and_the_given_typ(signing_keys, alg):
    token = signing_keys.sign_jwt({"sub": "alice"}, alg, header={"typ": "at+jwt"})
    header = _header(token)
    assert header["typ"] == "at+jwt"
    published = {key["kid"]: key for key in signing_keys.jwks()["keys"]}
    assert published[header["kid"]]["alg"] == alg
    assert published[header["kid"]]["use"] == "sig"


def test_the_signing_key_is_private_and_its_kid_is_the_rfc7638_thumbprint(signing_keys):
    key = signing_keys.signing_key("ES256")
    assert key.is_private
    assert key.kid == key.thumbprint()
    assert signing_keys.public_key(key.kid).thumbprint() == key.kid


def test_the_jwks_holds_only_public_parts(signing_keys):
    signing_keys.signing_key("RS256")
    for jwk in signing_keys.jwks()["keys"]:
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(jwk)


def test_an_unknown_kid_has_no_public_key(signing_keys):
    assert signing_keys.public_key("no-such-kid") is None


def test_verify_refuses_alg_none_even_when_asked_for(signing_keys):
    unsigned = (
        base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
        + "." + base64.urlsafe_b64encode(b'{"sub":"mallory"}').rstrip(b"=").decode() + "."
    )
    with pytest.raises(TokenVerificationError):
        signing_keys.verify_jwt(unsigned, ["none"])
    with pytest.raises(TokenVerificationError):
        signing_keys.verify_jwt(unsigned, ["none", "RS256"])


def test_verify_refuses_an_hmac_token_made_with_a_public_key_as_secret(signing_keys):
    kid = signing_keys.signing_key("RS256").kid
    secret = OctKey.import_key(json.dumps(signing_keys.public_key(kid).as_dict()))
    forged = jwt.encode({"alg": "HS256", "kid": kid}, {"sub": "mallory"}, secret)
    with pytest.raises(TokenVerificationError):
        signing_keys.verify_jwt(forged, ["HS256", "RS256"])


def test_verify_refuses_a_token_from_a_key_we_do_not_publish(signing_keys):
    from joserfc.jwk import ECKey

    stranger = ECKey.generate_key("P-256", auto_kid=True)
    token = jwt.encode({"alg": "ES256", "kid": stranger.kid}, {"sub": "mallory"}, stranger)
    with pytest.raises(TokenVerificationError, match="not signed by a key we publish"):
        signing_keys.verify_jwt(token, ["ES256"])


def test_verify_refuses_a_tampered_token(signing_keys):
    header, payload, signature = signing_keys.sign_jwt({"sub": "alice"}, "ES256").split(".")
    other = base64.urlsafe_b64encode(b'{"sub":"mallory"}').rstrip(b"=").decode()
    with pytest.raises(TokenVerificationError):
        signing_keys.verify_jwt(f"{header}.{other}.{signature}", ["ES256"])


def test_verify_refuses_an_algorithm_the_caller_did_not_allow(signing_keys):
    token = signing_keys.sign_jwt({"sub": "alice"}, "ES256")
    with pytest.raises(TokenVerificationError):
        signing_keys.verify_jwt(token, ["RS256"])


def test_verify_refuses_an_expired_token_unless_time_is_not_checked(signing_keys, clock):
    token = signing_keys.sign_jwt({"sub": "alice", "exp": int(clock.now.timestamp()) + 60})
    clock.advance(seconds=61)
    with pytest.raises(TokenVerificationError, match="expired"):
        signing_keys.verify_jwt(token, ["RS256"])
    assert signing_keys.verify_jwt(token, ["RS256"], check_time=False)["sub"] == "alice"


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "....", "eyJhbGciOiJSUzI1NiJ9.e30.AAAA"])
def test_verify_turns_garbage_into_a_clear_error(signing_keys, garbage):
    with pytest.raises(TokenVerificationError):
        signing_keys.verify_jwt(garbage, ["RS256"])


def test_saml_signing_gives_a_key_object_and_a_certificate_of_the_issuer_host(signing_keys):
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.hashes import SHA256

    key, pem = signing_keys.saml_signing()
    cert = x509.load_pem_x509_certificate(pem.encode())
    assert cert.subject.rfc4514_string() == "CN=127.0.0.1"
    signature = key.sign(b"assertion", padding.PKCS1v15(), SHA256())
    cert.public_key().verify(signature, b"assertion", padding.PKCS1v15(), SHA256())
    assert signing_keys.saml_signing()[0] is key  # loaded once


def test_saml_metadata_publishes_the_current_and_the_next_certificate(signing_keys):
    current = signing_keys.saml_signing()[1]
    certificates = signing_keys.saml_certificates()
    assert len(certificates) == 2
    assert certificates[0] == current
    assert certificates[1] != current


def test_the_services_of_the_app_carry_the_signing_keys(app):
    keys = app.extensions["yiwang"].signing_keys
    token = keys.sign_jwt({"sub": "alice"}, "ES256")
    assert keys.verify_jwt(token, ["ES256"]) == {"sub": "alice"}


@pytest.mark.parametrize("field, value", [("rsa_key_bits", 1024), ("key_rotation_days", -1),
                                          ("longest_token_seconds", 0)])
def test_start_up_refuses_bad_key_settings(settings, field, value):
    from dataclasses import replace

    from idp.services import Services
    from idp.settings import SettingsError

    with pytest.raises(SettingsError, match=f"IDP_{field.upper()}"):
        Services.build(replace(settings, **{field: value}))


def test_rsa_keys_are_3072_bits_when_configured(services, clock):
    from dataclasses import replace

    from keys.signing import SigningKeys

    keys = SigningKeys(services.db, services.keyring,
                       replace(services.settings, rsa_key_bits=3072), clock=clock)
    assert keys.signing_key("PS256").private_key.key_size == 3072
    token = keys.sign_jwt({"sub": "alice"}, "PS256")
    assert keys.verify_jwt(token, ["PS256"]) == {"sub": "alice"}
