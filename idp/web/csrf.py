"""CSRF protection for every form: a synchronizer token kept in the signed Flask session.

Every POST must carry ``csrf_token`` matching the session's, except views marked with
``@exempt`` (protocol endpoints authenticated otherwise: token, introspection, SAML POST).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable

from flask import Flask, abort, request, session

_EXEMPT_ATTR = "_csrf_exempt"


def exempt(view: Callable) -> Callable:
    setattr(view, _EXEMPT_ATTR, True)
    return view


def token() -> str:
    """The session's CSRF token, made on first use (templates call ``csrf_token()``)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _check() -> None:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    view = request.endpoint and request.url_rule and _view_function()
    if view is None or getattr(view, _EXEMPT_ATTR, False):
        return
    sent = request.form.get("csrf_token", "")
    expected = session.get("csrf", "")
    # Bytes: compare_digest refuses str holding non-ASCII (a csrf_token of "é" is just wrong).
    if not expected or not hmac.compare_digest(sent.encode(), str(expected).encode()):
        abort(400, description="csrf")


def _view_function():
    from flask import current_app

    return current_app.view_functions.get(request.endpoint)


def init_app(app: Flask) -> None:
    app.before_request(_check)
    app.jinja_env.globals["csrf_token"] = token
