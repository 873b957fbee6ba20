"""Error pages: a clear message, never a stack trace; unexpected errors are logged.

An outage is not unexpected: when the database or the Store is unreachable, silent past its
timeout or refusing writes, the request answers 503 with ``Retry-After`` (RFC 9110 §15.6.4),
a page for people and a JSON ``temporarily_unavailable`` error for programs, never a 500. The
transaction was rolled back and nothing else was sent, so the client can simply retry.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from idp.db import is_unavailable
from idp.metrics import backend_unavailable
from idp.store import StoreUnavailable
from idp.web.i18n import t
from idp.web.observe import request_id

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5  # about the longest a request waits on a silent backend
# Endpoints called by programs answer an OAuth-style JSON error (RFC 6749 §5.2 shape, which the
# admin API shares). /authorize stays a page: with the database down its redirect URI cannot
# be verified, so nothing may be redirected (RFC 6749 §4.1.2.1).
JSON_PATHS = ("/token", "/introspect", "/revoke", "/par", "/userinfo", "/jwks", "/readyz",
               "/.well-known", "/connect", "/admin/api")


def _messages() -> dict[int, str]:
    return {
        400: t("请求无效。请返回上一页重试。", "The request was not valid. Go back and try again."),
        403: t("没有权限执行此操作。", "You are not allowed to do this."),
        404: t("页面不存在。", "This page does not exist."),
        405: t("不支持此请求方法。", "This request method is not allowed."),
        413: t("请求过大。", "The request is too large."),
        429: t("请求过于频繁，请稍后再试。", "Too many requests; try again later."),
        503: t("服务暂时不可用，本次操作未完成，请稍后重试。",
               "The service is temporarily unavailable and this request was not completed; "
               "please try again in a moment."),
    }


def render_error(status: int, message: str | None = None):
    message = message or _messages().get(status) or t("服务暂时不可用。", "Service unavailable.")
    return render_template("error.html", status=status, message=message), status


def outage(error: BaseException) -> tuple[str, BaseException] | None:
    """("database" | "store", the failure) when error, or an error it arose from (an audit
    write, a wrapped driver error), means that backend cannot be used now; else None."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, StoreUnavailable):
            return "store", current
        if is_unavailable(current):
            return "database", current
        current = current.__cause__ or current.__context__
    return None


def describe(error: BaseException) -> str:
    """One line for the log: the driver's own words, never the statement or its values."""
    cause = getattr(error, "orig", None) or error
    text = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {text[0] if text else ''}"[:300]


def unavailable_response():
    """The 503 a client sees during an outage: JSON for programs, a page for people."""
    wants_json = request.path.startswith(JSON_PATHS) or request.accept_mimetypes.best_match(
        ["text/html", "application/json"]) == "application/json"
    if wants_json:  # ASCII only in error_description (RFC 6749 §5.2)
        response = jsonify(error="temporarily_unavailable", error_description=(
            "The service is temporarily unavailable; retry after the Retry-After delay."),
            request_id=request_id())  # an extra member, which clients ignore (RFC 6749 §5.2)
    else:
        response = make_response(render_error(503))
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def _http_error(error: HTTPException):
    if error.description == "csrf":
        expired = t("表单已过期，请刷新页面后重新提交。", "The form expired; reload and retry.")
        return render_error(400, expired)
    if isinstance(error, ServiceUnavailable):
        return unavailable_response()
    return render_error(error.code or 500)


def _unexpected(error: Exception):
    # Flask hands an error escaping an after-request hook over as InternalServerError.
    original = getattr(error, "original_exception", None) or error
    found = outage(original)
    if found is not None:
        backend, cause = found
        log.warning("503: the %s is unavailable: %s", backend, describe(cause))
        backend_unavailable(backend)
        return unavailable_response()
    log.exception("unexpected error", exc_info=original)
    return render_error(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _unexpected)
    app.register_error_handler(Exception, _unexpected)
