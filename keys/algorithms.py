"""The signing algorithms we offer, how their keys are made, and one JOSE registry for them.

JWT algorithms (RFC 7518 §3, RFC 8037 §3.1): RS256, PS256, ES256, EdDSA. ``SAML`` names the
slot of the SAML IdP's RSA certificate key (signed with rsa-sha256 by the SAML code).
"""

from __future__ import annotations

import copy

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from joserfc.jwk import ECKey, OKPKey, RSAKey
from joserfc.jws import JWSRegistry

JWT_ALGORITHMS = ("RS256", "PS256", "ES256", "EdDSA")
SAML = "SAML"
ALL_SLOTS = (*JWT_ALGORITHMS, SAML)
RSA_BITS = (2048, 3072)

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
JoseKey = RSAKey | ECKey | OKPKey


def _quiet(name: str):
    # RFC 9864 deprecates "EdDSA" for the fully specified "Ed25519", but relying-party
    # libraries and OIDC discovery still know only "EdDSA" (RFC 8037), so we keep offering it
    # without joserfc's per-call SecurityWarning.
    alg = copy.copy(JWSRegistry.algorithms[name])
    alg.security_warning = None
    return alg


class JwtRegistry(JWSRegistry):
    """joserfc's JWS registry with a quiet EdDSA; always built with an explicit allow-list."""

    algorithms = {**JWSRegistry.algorithms, "EdDSA": _quiet("EdDSA")}


def check_slot(alg: str) -> str:
    if alg not in ALL_SLOTS:
        raise ValueError(f"unsupported algorithm {alg!r}: choose one of {', '.join(ALL_SLOTS)}")
    return alg


def generate(alg: str, rsa_bits: int = 2048) -> PrivateKey:
    """A fresh private key for alg's slot."""
    check_slot(alg)
    if alg == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    if alg == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    if rsa_bits not in RSA_BITS:
        raise ValueError(f"RSA keys are {' or '.join(map(str, RSA_BITS))} bits, not {rsa_bits}")
    return rsa.generate_private_key(public_exponent=65537, key_size=rsa_bits)


def to_pem(key: PrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def from_pem(pem: str) -> PrivateKey:
    # The PEM comes out of authenticated (AES-GCM) storage that only we write, so the slow RSA
    # consistency check (tens of ms per key) is skipped.
    key = serialization.load_pem_private_key(
        pem.encode(), password=None, unsafe_skip_rsa_key_validation=True
    )
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
                      | ed25519.Ed25519PrivateKey):
        raise ValueError("unsupported private key type")
    return key


def jose_key(alg: str, key: PrivateKey) -> JoseKey:
    """joserfc key with kid (RFC 7638 thumbprint), use and alg set."""
    if isinstance(key, rsa.RSAPrivateKey):
        jose: JoseKey = RSAKey.import_key(key)
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        jose = ECKey.import_key(key)
    else:
        jose = OKPKey.import_key(key)
    # RFC 7517 §4.2/4.4: "use" and "alg" let relying parties pick the right key.
    jwt_alg = "RS256" if alg == SAML else alg
    return type(jose).import_key(
        key, parameters={"kid": jose.thumbprint(), "use": "sig", "alg": jwt_alg}
    )


def public_jwk(key: JoseKey) -> dict:
    return key.as_dict(private=False)
