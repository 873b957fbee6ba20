"""The fixed registry of source types: each configured source is built by its kind's factory.

A factory takes the source's stored configuration (secrets already unsealed) and returns a
``CredentialSource`` or a ``RedirectSource``. The set is closed on purpose: an operator chooses
among the kinds the code knows, never loads code by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from federation.contract import CredentialSource, RedirectSource, SourceKind

Source = CredentialSource | RedirectSource
Factory = Callable[[str, Mapping[str, Any]], Source]



def _ldap(name: str, config: Mapping[str, Any]) -> Source:
    # Imported on use: python-ldap is an optional extra (`ldap`), needed only with directories.
    from federation.ldap.source import build

    return build(name, config)


def _oidc(name: str, config: Mapping[str, Any]) -> Source:
    from federation.oidc.source import build

    return build(name, config)


def _oauth2(name: str, config: Mapping[str, Any]) -> Source:
    from federation.oauth2 import build

    return build(name, config)


def _saml(name: str, config: Mapping[str, Any]) -> Source:
    from federation.saml.source import build

    return build(name, config)


# Filled as each kind lands: SourceKind.LDAP -> federation.ldap, SourceKind.OIDC -> ...
FACTORIES: dict[SourceKind, Factory] = {SourceKind.LDAP: _ldap, SourceKind.OIDC: _oidc,
                                        SourceKind.OAUTH2: _oauth2, SourceKind.SAML: _saml}


class UnknownSourceKind(ValueError):
    pass


def build_source(kind: str, name: str, config: Mapping[str, Any]) -> Source:
    """The source of one configuration row; UnknownSourceKind for a kind not built here."""
    try:
        factory = FACTORIES[SourceKind(kind)]
    except (ValueError, KeyError):
        raise UnknownSourceKind(f"no source type {kind!r}") from None
    return factory(name, config)
