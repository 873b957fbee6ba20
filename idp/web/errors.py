"""Error pages: a clear message, never a stack trace; unexpected errors are logged."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException, InternalServerError

from idp.web.i18n import t

log = logging.getLogger(__name__)


def _messages() -> dict[int, str]:
    return {
        400: t("请求无效。请返回上一页重试。", "The request was not valid. Go back and try again."),
        403: t("没有权限执行此操作。", "You are not allowed to do this."),
        404: t("页面不存在。", "This page does not exist."),
        405: t("不支持此请求方法。", "This request method is not allowed."),
        413: t("请求过大。", "The request is too large."),
        429: t("请求过于频繁，请稍后再试。", "Too many requests; try again later."),
    }


def render_error(status: int, message: str | None = None):
    message = message or _messages().get(status) or t("服务暂时不可用。", "Service unavailable.")
    return render_template("error.html", status=status, message=message), status


def _http_error(error: HTTPException):
    if error.description == "csrf":
        expired = t("表单已过期，请刷新页面后重新提交。", "The form expired; reload and retry.")
        return render_error(400, expired)
    return render_error(error.code or 500)


def _unexpected(error: Exception):
    log.exception("unexpected error", exc_info=error)
    return render_error(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _unexpected)
    app.register_error_handler(Exception, _unexpected)
