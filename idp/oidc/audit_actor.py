"""Who the audit log says made an OIDC request: the current Flask request's address and
user agent (views, the token endpoint's ``save_token`` and revocation record it)."""

from __future__ import annotations

from flask import request

from idp.audit import Actor


def actor() -> Actor:
    return Actor(ip=request.remote_addr, user_agent=request.user_agent.string)
