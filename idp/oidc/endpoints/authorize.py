"""The authorization endpoint (OIDC Core §3.1.2): GET and POST ``/authorize``, and
``/authorize/resume``, where the login page sends the browser back."""

from __future__ import annotations

from flask import request

from idp.oidc.authorization import decisions
from idp.oidc.endpoints.authorization_http import flow, params_of, render
from idp.web import csrf


@csrf.exempt  # a protocol request from the relying party, not one of our forms
def authorize():
    return render(decisions.start(flow(), params_of(request.values)))


def resume():
    """Where the login page sends the browser back (LoginRequest.return_to)."""
    return render(decisions.resume(flow(), request.args.get("pending")))
