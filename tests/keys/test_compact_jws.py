"""Our JWTs are signed without joserfc (keys.compact_jws); joserfc and any RP library must still
accept them exactly as before: same header members, same claims, a valid signature."""

from __future__ import annotations

import base64
import json

import pytest
from joserfc import jwt
from joserfc.jwk import import_key

from keys.algorithms import JwtRegistry
from keys.compact_jws import SIGNERS


def _segment(token: str, n: int) -> dict:
    part = token.split(".")[n]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


@pytest.mark.parametrize("alg", sorted(SIGNERS))
def test_tokens_signed_without_joserfc_verify_with_joserfc_with_the_same_members(services, alg):
    claims = {"iss": "https://idp.example.gov.cn", "sub": "张三", "aud": "rp", "iat": 1,
              "exp": 2, "scope": "openid profile"}
    token = services.signing_keys.sign_jwt(claims, alg, {"typ": "at+jwt"})
    key = services.signing_keys.signing_key(alg)
    header = _segment(token, 0)
    assert header == {"typ": "at+jwt", "alg": alg, "kid": key.kid}
    public = import_key(key.as_dict(private=False))
    decoded = jwt.decode(token, public, algorithms=[alg], registry=JwtRegistry(algorithms=[alg]))
    assert decoded.claims == claims and decoded.header == header
    assert services.signing_keys.verify_jwt(token, [alg], check_time=False) == claims


def test_a_header_without_extra_members_is_cached_apart_from_one_with_them(services):
    plain = services.signing_keys.sign_jwt({"n": 1}, "ES256")
    typed = services.signing_keys.sign_jwt({"n": 1}, "ES256", {"typ": "logout+jwt"})
    assert "typ" not in _segment(plain, 0) and _segment(typed, 0)["typ"] == "logout+jwt"


def test_after_a_rotation_tokens_are_signed_by_the_new_current_key_at_once(services):
    keys = services.signing_keys
    before = _segment(keys.sign_jwt({"n": 1}, "ES256"), 0)["kid"]
    keys.rotate("ES256")
    token = keys.sign_jwt({"n": 2}, "ES256")
    now = keys.signing_key("ES256").kid
    assert _segment(token, 0)["kid"] == now != before
    assert keys.verify_jwt(token, ["ES256"], check_time=False) == {"n": 2}
