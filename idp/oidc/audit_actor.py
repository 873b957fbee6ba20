"""Who the audit log says made an OIDC request: its client address and user agent (views, the
token endpoint's ``save_token`` and revocation record it)."""

from __future__ import annotations

from flask import request

from idp.audit import Actor


def actor(environ: dict | None = None) -> Actor:
    """From a WSGI environ (Authlib's requests carry theirs), else the current Flask request's."""
    environ = request.environ if environ is None else environ
    return Actor(ip=environ.get("REMOTE_ADDR"), user_agent=environ.get("HTTP_USER_AGENT", ""))
