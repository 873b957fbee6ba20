"""Who may use a console view: a live console session, an admin role, then the permission.

``page(permission)`` and ``api(permission)`` wrap views; the permission check itself is the
role model's (``admin.access``): here, that it holds in some department; the service
functions then check the department of the object touched. Domain errors become the
surface's answer in one place.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import g, jsonify, redirect, request, session, url_for

from admin.access import Refused, load_grants, require_somewhere
from admin.errors import AdminError
from admin.principal import Admin
from admin.roles import Permission
from admin.web import session as console
from clients.errors import ClientError
from idp import json_body
from idp.audit import Actor
from idp.params import InvalidInteger, parse_int
from idp.services import services
from idp.web.errors import render_error
from idp.web.i18n import language, t


def actor() -> Actor:
    return Actor(ip=request.remote_addr, user_agent=request.user_agent.string or None)


def current_admin() -> Admin | None:
    """The signed-in administrator of this request (cached on ``g``), or None."""
    if "admin" not in g:
        data = console.current()
        g.admin = None
        if data is not None:
            grants = load_grants(services(), data["account_id"])
            g.admin = Admin(data["account_id"], data["username"], grants, actor())
    return g.admin


def page(permission=None) -> Callable:
    """A console page: sign-in first, then an admin role, then the permission (if any)."""
    def wrap(view: Callable) -> Callable:
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            admin = current_admin()
            if admin is None:
                # full_path ends in a bare "?" when there is no query string: leave it off.
                target = request.full_path if request.query_string else request.path
                return redirect(url_for("admin.login", next=target), code=303)
            try:
                if not admin.grants:
                    raise Refused("no admin role")
                if permission is not None:
                    require_somewhere(admin, permission)
                return view(admin, *args, **kwargs)
            except Refused:
                return render_error(403)
            except AdminError as exc:
                return render_error(exc.status, exc.describe(language()))
            except ClientError as exc:
                return render_error(exc.status, exc.description)
        return guarded
    return wrap


@dataclass(frozen=True)
class Spec:
    """What an API view takes and answers; ``admin.web.openapi`` publishes it as it is."""

    permission: Permission | None = None
    body: dict[str, Any] | None = None  # JSON Schema of the body, checked before the view
    query: tuple[dict[str, Any], ...] = ()  # OpenAPI parameter objects (parsed by the view)
    returns: dict[str, Any] | None = None  # JSON Schema of the success answer
    status: int = 200
    media: tuple[str, ...] = ("application/json",)


def api(permission: Permission | None = None, **spec: Any) -> Callable:
    """A JSON API view: the same checks; writes also need the X-CSRF-Token header (the
    session's CSRF token), since the console session rides in a cookie. ``spec`` fills a
    :class:`Spec`: with ``body``, the JSON body is checked against that schema before the view
    runs, and handed to it as :func:`body`."""
    described = Spec(permission, **spec)

    def wrap(view: Callable) -> Callable:
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            admin = current_admin()
            if admin is None:
                return error(401, "login_required", t("请先登录管理控制台。", "Sign in first."))
            if request.method not in ("GET", "HEAD") and not _csrf_ok():
                return error(403, "csrf", t("缺少或错误的 CSRF 令牌。", "Bad CSRF token."))
            try:
                if not admin.grants:
                    raise Refused("no admin role")
                if permission is not None:
                    require_somewhere(admin, permission)
                _check_query(described.query)
                if described.body is not None:
                    g.api_body = _checked_body(described.body)
                return view(admin, *args, **kwargs)
            except Refused:
                return error(403, "forbidden", t("没有权限执行此操作。", "Not allowed."))
            except AdminError as exc:
                return error(exc.status, exc.code, exc.describe_for_api(language()))
            except ClientError as exc:
                return error(exc.status, exc.error, exc.description)
        guarded.api_spec = described
        return guarded
    return wrap


def body() -> dict[str, Any]:
    """The JSON body of this API request, as its schema allowed it."""
    return g.get("api_body") or {}


def _check_query(parameters: tuple[dict[str, Any], ...]) -> None:
    """Each documented query parameter sent must fit its documented schema (integers through
    ``parse_int`` with the schema's bounds); AdminError ``bad_input`` naming it otherwise."""
    for parameter in parameters:
        name, schema = parameter["name"], parameter["schema"]
        value = request.args.get(name)
        try:
            if value is None:
                if parameter.get("required"):
                    raise json_body.BadBody("is required")
            elif schema.get("type") == "integer":
                parse_int(value, minimum=schema["minimum"], maximum=schema["maximum"])
            else:
                json_body.check(schema, value)
        except (json_body.BadBody, InvalidInteger) as exc:
            raise AdminError("bad_input", f"{name}: {exc}") from exc


def _checked_body(schema: dict[str, Any]) -> dict[str, Any]:
    """The body, if it is a JSON object its schema accepts; AdminError otherwise."""
    value: Any = None
    try:
        value = json_body.read_object(request.get_data(), request.mimetype)
        json_body.check(schema, value)
    except json_body.BadBody as exc:
        reason = value.get("reason") if isinstance(value, dict) else None
        if exc.field == "reason" and (reason is None or isinstance(reason, str)
                                      and not reason.strip()):
            raise AdminError("reason_required") from exc
        raise AdminError("bad_input", str(exc)) from exc
    return value


def error(status: int, code: str, description: str):
    return jsonify({"error": code, "error_description": description}), status


def _csrf_ok() -> bool:
    sent, expected = request.headers.get("X-CSRF-Token", ""), session.get("csrf", "")
    # Bytes: compare_digest refuses str with non-ASCII characters (a TypeError, so a 500).
    return isinstance(expected, str) and bool(expected) and hmac.compare_digest(
        sent.encode("utf-8", "surrogateescape"), expected.encode("utf-8", "surrogateescape"))
