"""Our service-provider side of a SAML upstream (issue 15): the SP metadata at our entity id
``/federation/<name>/metadata``, for the upstream's operator to register, and our single
logout service ``/federation/<name>/slo`` (its LogoutRequest ends our sessions from it; its
LogoutResponse to ours is taken as is). Logins come back to the protocol-neutral
``/federation/<name>/callback`` (``upstream_login``)."""

from __future__ import annotations

from flask import Response, abort, redirect, request

from federation.contract import SourceError, SourceKind
from federation.saml import logout
from federation.saml.sp_metadata import document
from federation.upstreams import UpstreamDisabled, build, enabled_upstream
from idp.audit import EventType, Outcome, record
from idp.services import services
from idp.web.auth.blueprints import bp
from idp.web.auth.login_flow import actor
from idp.web.csrf import exempt


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


@bp.route("/federation/<name>/slo", methods=["GET", "POST"])
@exempt  # the upstream's signed message, often in its logout page's iframe
def upstream_saml_slo(name: str):
    headers = {"Cache-Control": "no-store"}
    try:
        row = enabled_upstream(services(), name)
    except UpstreamDisabled:
        abort(404)
    if row.kind != SourceKind.SAML:
        abort(404)
    source = build(services(), row)
    try:
        root, binding, relay_state, signature = logout.inbound(
            request.method, request.query_string, request.form)
        if root.tag != f"{{{logout.SAMLP}}}LogoutRequest":
            return Response("", 200, headers)  # its answer to our request: nothing to do
        logout.end_sessions(services(), source, root, binding, signature, actor=actor())
    except SourceError as exc:
        # A refused logout is audited with the broken rule's first words, never the message.
        with services().db.begin() as session:
            record(session, EventType.LOGOUT, Outcome.FAILURE, actor=actor(),
                   initiator=f"upstream:{name}"[:48],
                   reason=(exc.detail or "refused").split(":")[0].split(" ")[0][:32])
        return Response(exc.description, 400, {**headers, "Content-Type":
                                                "text/plain; charset=utf-8"})
    answer = logout.response_url(source, root.get("ID", ""), relay_state)
    return redirect(answer, 303) if answer else Response("", 200, headers)
