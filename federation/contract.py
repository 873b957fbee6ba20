"""The backend contract of every identity source (SATOSA's backends, Keycloak's user storage).

A source has one of two shapes:

- ``CredentialSource`` checks what the person typed itself: a directory bind (LDAP, AD).
- ``RedirectSource`` sends the browser to an upstream identity provider and takes it back
  (OpenID Connect, SAML 2.0, plain OAuth 2.0): ``start`` names where to send it and what to keep
  in the Store until the callback; ``finish`` checks the callback against what was kept.

Both end in an ``UpstreamIdentity``: what the source asserted, in our attribute names. An
``AccountLinker`` lands it in one local account (found, created or linked) and hands the login a
``FederatedLogin``, the same fields a password login gives ``idp.sso.establish``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable


class SourceKind(StrEnum):
    """The fixed set of source types (``federation.registry`` builds each from its row)."""

    LDAP = "ldap"
    OIDC = "oidc"
    SAML = "saml"
    OAUTH2 = "oauth2"


@dataclass(frozen=True)
class UpstreamIdentity:
    """What one source asserted about the person who just authenticated there."""

    source: str  # the configured source's name, e.g. "gongan-ldap"
    kind: SourceKind
    subject: str  # the source's stable id of the person: entryUUID, iss + sub, NameID
    level: int  # assurance level granted: never above the source's configured ceiling
    amr: tuple[str, ...]  # RFC 8176 methods the source reports ("pwd", "mfa", ...)
    # Mapped to our names (username, name, phone, email, id_number, department, ...).
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FederatedLogin:
    """The protocol-neutral result the login turns into an SSO session."""

    account_id: str
    username: str
    level: int
    amr: tuple[str, ...]
    source: str  # audited with the login event


@dataclass(frozen=True)
class Redirect:
    """Where ``RedirectSource.start`` sends the browser, and what the callback must match."""

    url: str
    keep: Mapping[str, str]  # state, nonce, PKCE verifier...: kept in the Store, single use


class SourceError(Exception):
    """A refusal. ``description`` may be shown to the person; ``detail`` is only logged."""

    def __init__(self, description: str, detail: str = "") -> None:
        super().__init__(description)
        self.description = description
        self.detail = detail


class SourceUnavailable(SourceError):
    """The source cannot be reached or timed out: its door says so, other sources go on."""


class SourceRefused(SourceError):
    """The source answered no: wrong password, an upstream error, a bad signature or state."""


@runtime_checkable
class CredentialSource(Protocol):
    name: str
    kind: SourceKind

    def check_password(self, username: str, password: str) -> UpstreamIdentity:
        """The identity when the source accepts the credentials; SourceRefused otherwise."""
        ...


@runtime_checkable
class RedirectSource(Protocol):
    name: str
    kind: SourceKind

    def start(self, *, callback_url: str) -> Redirect:
        """Where to send the browser; the callback is ``<issuer>/federation/<name>/callback``."""
        ...

    def finish(
        self, *, callback_url: str, params: Mapping[str, str], kept: Mapping[str, str]
    ) -> UpstreamIdentity:
        """The identity the callback proves, checked against what ``start`` kept."""
        ...


class AccountLinker(Protocol):
    def link(self, identity: UpstreamIdentity) -> FederatedLogin:
        """The local account of this identity: found by its link, created, or linked only
        through a verified attribute the policy names; SourceRefused when none may be."""
        ...


def granted_level(asserted: int, ceiling: int) -> int:
    """The level a source's login reaches: what it asserted, capped by what it is trusted for
    (a source is never believed beyond its configuration), and at least L1."""
    return max(1, min(asserted, ceiling))
