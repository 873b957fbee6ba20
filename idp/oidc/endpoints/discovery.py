"""OIDC Discovery §4, GET ``/.well-known/openid-configuration``: the provider metadata
(``idp.oidc.provider_metadata``), serialised once per app and cacheable by anyone."""

from __future__ import annotations

import json

from flask import Response, current_app

from idp.oidc.provider_metadata import metadata
from idp.services import services


def openid_configuration():
    response = Response(_document(), mimetype="application/json")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _document() -> bytes:
    """The document, serialised once per app: it depends only on the settings, which are
    fixed for the app's lifetime, and relying parties fetch it often."""
    extensions = current_app.extensions
    cached = extensions.get("oidc_discovery")
    if cached is None:
        cached = extensions["oidc_discovery"] = json.dumps(
            metadata(services().settings), separators=(",", ":")).encode()
    return cached
