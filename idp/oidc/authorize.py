"""The authorization endpoint (OIDC Core §3.1.2): GET and POST, and the return from login."""

from __future__ import annotations

from flask import request

from idp.oidc import authorization
from idp.oidc.blueprint import bp
from idp.oidc.web import flow, params_of, render
from idp.web import csrf


@bp.route("/authorize", methods=["GET", "POST"])
@csrf.exempt  # a protocol request from the relying party, not one of our forms
def authorize():
    return render(authorization.start(flow(), params_of(request.values)))


@bp.get("/authorize/resume")
def resume():
    """Where the login page sends the browser back (LoginRequest.return_to)."""
    return render(authorization.resume(flow(), request.args.get("pending")))
