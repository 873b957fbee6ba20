"""What the SP registry keeps of an SP's metadata: already read and trusted by the IdP
(``idp.saml.sp_metadata``), so the registry never parses XML."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# SAML Core §8.3.7: the NameID format used when the metadata asks for none we support.
PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"


class MetadataError(ValueError):
    """The metadata is unreadable or lacks what an SP registration needs."""


@dataclass
class SpMetadata:
    entity_id: str
    acs: list[dict[str, Any]]
    slo: list[dict[str, Any]] = field(default_factory=list)
    signing_certs: list[str] = field(default_factory=list)
    encryption_certs: list[str] = field(default_factory=list)
    nameid_format: str = PERSISTENT
    want_assertions_signed: bool = True
    authn_requests_signed: bool = False
    name: str | None = None
