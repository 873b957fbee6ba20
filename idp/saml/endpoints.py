"""The IdP's own URLs: entity ID and endpoints, all under the issuer."""

from __future__ import annotations


def entity_id(issuer: str) -> str:
    return issuer + "/saml/metadata"


def sso_url(issuer: str) -> str:
    return issuer + "/saml/sso"


def slo_url(issuer: str) -> str:
    return issuer + "/saml/slo"
