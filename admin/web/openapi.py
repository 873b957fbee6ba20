"""The admin JSON API's OpenAPI 3.1 description, served at ``/admin/api/openapi.json``.

Built from the app's own routes and the :class:`admin.web.guard.Spec` each API view is declared
with, so it cannot drift: a route without a spec fails here, and the request-body schemas
published are the objects the guard validates bodies against (``admin.web.schemas``).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, current_app

from admin.web import schemas as s
from admin.web.blueprints import api_bp
from admin.web.guard import Spec, api

_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
_ERRORS = {
    "400": "the body or a parameter is not valid, or a reason is missing",
    "401": "no live console session",
    "403": "no admin role with this permission here, or a missing or wrong X-CSRF-Token",
    "404": "no such object",
    "409": "refused as it stands (e.g. the console's own client)",
    "413": "the body is larger than 1 MiB",
}


def document(app: Flask) -> dict[str, Any]:
    """The description of every route of the admin API blueprint."""
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint.partition(".")[0] != api_bp.name:
            continue
        view = app.view_functions[rule.endpoint]
        spec: Spec = view.api_spec  # AttributeError: an API view without @api
        path = _VARIABLE.sub(r"{\1}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(
                rule.endpoint, view.__doc__, spec, method, sorted(rule.arguments))
    return {
        "openapi": "3.1.0",
        "info": {"title": "Yiwang admin console API", "version": "1",
                 "description": "The console's pages as JSON: the same services and checks. "
                                "Sign in to the console; writes send X-CSRF-Token "
                                "(csrf_token of GET /admin/api/me) and a reason."},
        "paths": paths,
        "components": {"securitySchemes": {
            "console": {"type": "apiKey", "in": "cookie", "name": "yiwang_web",
                        "description": "the console session (signed cookie)"},
            "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token",
                     "description": "the session's CSRF token, on every write"}}},
    }


def _operation(endpoint: str, doc: str | None, spec: Spec, method: str,
               arguments: list[str]) -> dict[str, Any]:
    error = {"content": {"application/json": {"schema": s.ERROR}}}
    answers: dict[str, Any] = {str(spec.status): {
        "description": "success",
        "content": {media: {"schema": spec.returns or {}} for media in spec.media}}}
    answers.update({code: {"description": text, **error} for code, text in _ERRORS.items()})
    operation: dict[str, Any] = {
        "operationId": endpoint.partition(".")[2],
        "summary": (doc or endpoint).strip().splitlines()[0],
        "security": [{"console": []} if method == "GET" else {"console": [], "csrf": []}],
        "parameters": [{"name": name, "in": "path", "required": True, "schema": s.PATH[name]}
                       for name in arguments] + list(spec.query),
        "responses": answers,
        "x-permission": spec.permission.value if spec.permission else None,
    }
    if spec.body is not None:
        operation["requestBody"] = {"required": True,
                                    "content": {"application/json": {"schema": spec.body}}}
    return operation


@api_bp.get("/openapi.json")
@api(returns=s.OPENAPI)
def openapi(admin):
    """This API's OpenAPI 3.1 description."""
    return document(current_app)
