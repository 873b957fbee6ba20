"""The UserInfo endpoint (OIDC Core §5.3), GET or POST ``/userinfo``: ``userinfo_answer``
in a Flask response. Most calls are answered before Flask (``machine_endpoints``); this view
serves the rest (a query string, a body that is not a form)."""

from __future__ import annotations

from flask import Response, request

from idp.oidc.server import oidc_server
from idp.oidc.userinfo_answer import answer
from idp.web import csrf


@csrf.exempt  # authenticated by the bearer token
def userinfo():
    form_token = None
    if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
        form_token = request.form.get("access_token")
    status, headers, body = answer(oidc_server(), request.headers.get("Authorization", ""),
                                   form_token)
    return Response(body, status=status, headers=headers)
