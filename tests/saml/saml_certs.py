"""Throwaway RSA keys and self-signed certificates for the test service providers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

# RSA key generation is the slow part; one key per name serves the whole run.
_keys: dict[str, rsa.RSAPrivateKey] = {}


def key_pair(folder: Path, name: str) -> tuple[Path, Path]:
    """(key file, cert file) in PEM under folder."""
    key = _keys.get(name) or _keys.setdefault(name, _new_key())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = folder / f"{name}.key", folder / f"{name}.crt"
    key_file.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


def pem_body(cert_file: Path) -> str:
    """The base64 body of a PEM certificate (what python3-saml settings want)."""
    lines = cert_file.read_text().strip().splitlines()
    return "".join(lines[1:-1])


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)
