"""The key-encryption key (KEK): the one secret that opens every other key at rest."""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import secrets
from pathlib import Path

from idp.settings import Settings, SettingsError
from keys.private_files import private_dir

log = logging.getLogger(__name__)

KEK_BYTES = 32


class KekError(SettingsError):
    """The KEK is missing, malformed, or does not open the stored keys."""


def load_kek(settings: Settings) -> bytes:
    """The KEK from IDP_KEK, or (embedded default only) from <data_dir>/kek, made on first use."""
    if settings.kek:
        return decode_kek(settings.kek, "IDP_KEK")
    path = settings.data_dir / "kek"
    if path.exists():
        return decode_kek(path.read_text().strip(), str(path))
    return _generate(path)


def decode_kek(text: str, origin: str) -> bytes:
    try:
        kek = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KekError(f"{origin} is not base64") from exc
    if len(kek) != KEK_BYTES:
        raise KekError(f"{origin} must decode to {KEK_BYTES} bytes, not {len(kek)}")
    return kek


def kek_id(kek: bytes) -> str:
    """A short public fingerprint telling which KEK wrapped a data key."""
    return hashlib.sha256(b"yiwang-kek-id" + kek).hexdigest()[:16]


def _generate(path: Path) -> bytes:
    private_dir(path.parent)
    kek = secrets.token_bytes(KEK_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.b64encode(kek).decode() + "\n")
    log.warning(
        "Generated a key-encryption key at %s. Production must supply its own in IDP_KEK "
        "(or IDP_KEK_FILE) and keep it outside the data folder.",
        path,
    )
    return kek
