"""The SSO cookie of a request and its response: read the session it names, set it, clear it.

Other blueprints (OIDC authorize, SAML SSO, "my account") call ``current_session()``; only the
login and logout views set or clear the cookie. HTTP code, so it lives with the web layer; the
session itself is ``idp.sso.session``.
"""

from __future__ import annotations

import time

from flask import Response, request
from werkzeug.http import parse_cookie

from idp.services import Services, services
from idp.sso.session import COOKIE_NAME, SsoSession


def current_session() -> tuple[str, SsoSession] | None:
    """(cookie token, live SsoSession) for this request's SSO cookie, or None."""
    return session_named(services(), request.cookies.get(COOKIE_NAME))


def session_of(svc: Services, environ: dict) -> tuple[str, SsoSession] | None:
    """``current_session()`` for a WSGI environ, without Flask."""
    return session_named(svc, parse_cookie(environ).get(COOKIE_NAME))


def session_named(svc: Services, token: str | None) -> tuple[str, SsoSession] | None:
    session = svc.sessions.load(token) if token else None
    return (token, session) if token and session else None


def set_session_cookie(response: Response, token: str, session: SsoSession) -> None:
    """HttpOnly, SameSite=Lax (the OIDC/SAML redirects back to us are top-level GETs, which
    Lax allows), Secure on https issuers, and no longer-lived than the absolute lifetime."""
    svc = services()
    remaining = session.created_at + svc.settings.session_absolute_seconds - int(time.time())
    response.set_cookie(
        COOKIE_NAME, token, max_age=max(0, remaining), path="/", httponly=True,
        samesite="Lax", secure=svc.settings.secure_cookies,
    )


def clear_session_cookie(response: Response) -> None:
    svc = services()
    response.delete_cookie(
        COOKIE_NAME, path="/", httponly=True, samesite="Lax", secure=svc.settings.secure_cookies
    )
