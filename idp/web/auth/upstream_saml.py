"""Our service-provider side of a SAML upstream (issue 15): the SP metadata at our entity id
``/federation/<name>/metadata``, for the upstream's operator to register. Logins come back to
the protocol-neutral ``/federation/<name>/callback`` (``upstream_login``)."""

from __future__ import annotations

from flask import Response, abort

from federation.contract import SourceKind
from federation.saml.sp_metadata import document
from federation.upstreams import UpstreamDisabled, enabled_upstream
from idp.services import services
from idp.web.auth.blueprints import bp


@bp.get("/federation/<name>/metadata")
def upstream_saml_metadata(name: str):
    try:
        row = enabled_upstream(services(), name)
    except UpstreamDisabled:
        abort(404)
    if row.kind != SourceKind.SAML:
        abort(404)
    xml = document(services().settings.issuer, name,
                   services().signing_keys.saml_certificates())
    return Response(xml, mimetype="application/samlmetadata+xml",
                    headers={"Cache-Control": "public, max-age=3600"})
