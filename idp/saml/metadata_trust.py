"""Whether SP metadata may be believed: Shibboleth's RequiredValidUntil and SignatureValidation
metadata filters, in their simplest form.

validUntil in the past is refused always (Metadata §2.2.1: the document is not valid after it).
With a trust anchor (IDP_SAML_METADATA_SIGNER_CERT, or ``add-saml --signer-cert``) the document
root must carry one valid enveloped signature by that certificate, checked by the same verifier
as SAML messages (one Signature, a direct child of the root, referencing the root's ID; only
enveloped + exc-c14n; no duplicate IDs). Without an anchor there is nothing to verify against,
so a signature is neither checked nor reported as verified.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from lxml import etree

from clients.saml.metadata import MetadataError
from idp.saml import constants as c
from idp.saml.errors import SignatureRefused
from idp.saml.signatures import verify_enveloped


def load_signer_cert(path: Path) -> str:
    """The PEM text of the trust anchor at path; MetadataError if it is not a certificate."""
    try:
        pem = path.read_text()
        x509.load_pem_x509_certificate(pem.encode())
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise MetadataError(f"metadata signer certificate {str(path)!r} is not a readable "
                            "PEM certificate") from exc
    return pem


def check_trust(root: etree._Element, signer_cert: str | None, *,
                now: float | None = None) -> None:
    """Refuse root (MetadataError) if it has expired or, given signer_cert, is not signed by
    it. Called on the parsed root before anything of it is read into the registry."""
    _check_valid_until(root, time.time() if now is None else now)
    if signer_cert is None:
        return
    if next(root.iter(f"{{{c.DS}}}Signature"), None) is None:
        raise MetadataError("metadata: not signed, but a metadata signer certificate is "
                            "configured")
    try:
        verify_enveloped(root, [signer_cert])
    except SignatureRefused as exc:
        raise MetadataError(f"metadata: signature refused: {exc.description}") from exc


def _check_valid_until(root: etree._Element, now: float) -> None:
    # The root, and the one EntityDescriptor when an EntitiesDescriptor wraps it.
    for element in (root, *root.findall(f"{{{c.MD}}}EntityDescriptor")):
        value = element.get("validUntil")
        if value is None:
            continue
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError as exc:
            raise MetadataError("metadata: validUntil is not a date-time") from exc
        if moment.tzinfo is None:  # xs:dateTime without a zone: SAML times are UTC
            moment = moment.replace(tzinfo=UTC)
        if moment.timestamp() <= now:
            raise MetadataError(f"metadata expired (validUntil {value.strip()[:40]})")
