"""Errors inside the JSON API answer JSON (a program is calling), never an HTML page."""

from __future__ import annotations

from flask import request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from admin.web.blueprints import api_bp
from admin.web.guard import error
from idp.web.errors import render_error


@api_bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    """Inside the API (a body over 1 MiB, a request refused at the edge): JSON, not a page."""
    return error(exc.code or 500, _code(exc), exc.name)


@api_bp.app_errorhandler(NotFound)
@api_bp.app_errorhandler(MethodNotAllowed)
def _routing_error(exc: HTTPException):
    # Raised before any blueprint is chosen; under /admin/api/ the caller is a program.
    if request.path.startswith(f"{api_bp.url_prefix}/"):
        return error(exc.code or 404, _code(exc), exc.name)
    return render_error(exc.code or 404)


def _code(exc: HTTPException) -> str:
    return exc.name.lower().replace(" ", "_")
