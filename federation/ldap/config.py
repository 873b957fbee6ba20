"""One directory's configuration as the LDAP code reads it (a frozen value, no secret kept
anywhere but in ``bind_password``, which the caller unsealed)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class TlsMode(StrEnum):
    NONE = "none"
    STARTTLS = "starttls"  # RFC 4513 §3: upgrade ldap:// before binding
    LDAPS = "ldaps"  # TLS from the first byte (ldaps://)


# Our attribute names and the directory attributes they come from by default (inetOrgPerson).
DEFAULT_MAPPING = {"username": "uid", "name": "cn", "phone": "telephoneNumber",
                   "email": "mail", "employee_number": "employeeNumber"}


@dataclass(frozen=True)
class LdapConfig:
    urls: tuple[str, ...]
    bind_dn: str
    bind_password: str
    user_base: str
    user_filter: str
    group_base: str | None = None
    mapping: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_MAPPING))
    group_roles: Mapping[str, str] = field(default_factory=dict)  # group cn -> role
    tls: TlsMode = TlsMode.NONE
    ca_file: str | None = None
    timeout: float = 5.0  # seconds, for the connection and for each operation
    level: int = 2
    pool_size: int = 4
    page_size: int = 500

    @classmethod
    def from_row(cls, config: Mapping[str, Any], bind_password: str) -> LdapConfig:
        return cls(
            urls=tuple(config["urls"]), bind_dn=config["bind_dn"], bind_password=bind_password,
            user_base=config["user_base"], user_filter=config["user_filter"],
            group_base=config.get("group_base"),
            mapping={**DEFAULT_MAPPING, **config.get("mapping", {})},
            group_roles=dict(config.get("group_roles", {})),
            tls=TlsMode(config.get("tls", "none")), ca_file=config.get("ca_file"),
            timeout=float(config.get("timeout", 5.0)), level=int(config.get("level", 2)),
        )
