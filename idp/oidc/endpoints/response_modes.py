"""Authorization responses in the requested ``response_mode`` (OAuth 2.0 Multiple Response Types
§2.1, Form Post Response Mode §2), always with RFC 9207 ``iss``.

Authlib's ``IssuerParameter`` extension only rewrites a ``Location`` query, so it would put
``iss`` in the wrong place for fragment responses and miss form_post; ``iss`` is added here,
once, for every mode, success and error alike.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import Response, redirect, render_template


def authorization_response(
    redirect_uri: str, params: list[tuple[str, str]], mode: str, issuer: str
) -> Response:
    params = [(k, v) for k, v in params if v is not None] + [("iss", issuer)]
    if mode == "form_post":
        response = Response(render_template("oidc/form_post.html", action=redirect_uri,
                                            params=params))
        return response
    parts = urlsplit(redirect_uri)
    encoded = urlencode(params)
    if mode == "fragment":
        parts = parts._replace(fragment=encoded)
    else:
        parts = parts._replace(query=f"{parts.query}&{encoded}" if parts.query else encoded)
    # 303: the browser follows with GET even after the POSTed consent form (RFC 9700 §4.11).
    return redirect(urlunsplit(parts), code=303)
