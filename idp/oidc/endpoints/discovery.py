"""OIDC Discovery §4, GET ``/.well-known/openid-configuration``: the provider metadata
(``idp.oidc.provider_metadata``), serialised once per app and cacheable by anyone.

A plain GET is answered before Flask by ``idp.oidc.documents``; this view serves the rest
(a request with a query string) with the same bytes and headers.
"""

from __future__ import annotations

from flask import current_app

from idp.oidc.documents import DISCOVERY_MAX_AGE, discovery_document
from idp.oidc.endpoints.document_response import document_response
from idp.services import services


def openid_configuration():
    return document_response(_document(), DISCOVERY_MAX_AGE)


def _document() -> bytes:
    """The document, serialised once per app: it depends only on the settings, which are
    fixed for the app's lifetime."""
    extensions = current_app.extensions
    cached = extensions.get("oidc_discovery")
    if cached is None:
        cached = extensions["oidc_discovery"] = discovery_document(services())
    return cached

