"""X.509 certificates for the SAML IdP: self-signed generation and import of a PEM pair."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

# SAML relying parties pin the certificate from metadata and rarely check its dates; the life
# cycle (rotation), not the validity period, bounds how long a key signs.
VALIDITY = timedelta(days=3650)


class CertificateError(ValueError):
    """The certificate or key is unreadable, not RSA, or the two do not belong together."""


def self_signed(key: rsa.RSAPrivateKey, issuer_url: str, now: datetime) -> str:
    """A self-signed PEM certificate for key, subject CN = the issuer's host name."""
    host = urlsplit(issuer_url).hostname or "yiwang"
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def load_pair(cert_pem: bytes, key_pem: bytes) -> tuple[rsa.RSAPrivateKey, str]:
    """Validate an imported pair: RSA key of 2048+ bits whose public half is the cert's."""
    try:
        cert = x509.load_pem_x509_certificate(cert_pem)
    except ValueError as exc:
        raise CertificateError("the certificate file is not a PEM X.509 certificate") from exc
    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except (ValueError, TypeError) as exc:
        raise CertificateError(
            "the key file is not an unencrypted PEM private key"
        ) from exc
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < 2048:
        raise CertificateError("the SAML signing key must be RSA of at least 2048 bits")
    public = cert.public_key()
    if not isinstance(public, rsa.RSAPublicKey) or (
        public.public_numbers() != key.public_key().public_numbers()
    ):
        raise CertificateError("the private key does not match the certificate's public key")
    return key, cert.public_bytes(serialization.Encoding.PEM).decode()
