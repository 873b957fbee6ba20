"""Chinese first, English by Accept-Language. Templates write both: ``t("登录", "Log in")``."""

from __future__ import annotations

from flask import Flask, current_app, g, request
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

LANGUAGES = ("zh", "en")


def language() -> str:
    if "lang" not in g:
        default = current_app.extensions["yiwang"].settings.default_language
        g.lang = language_of(request.headers.get("Accept-Language"), default)
    return g.lang


def language_of(accept_language: str | None, default: str) -> str:
    """``language()`` for an Accept-Language header read without Flask."""
    accepted = parse_accept_header(accept_language, LanguageAccept)
    return accepted.best_match(LANGUAGES, default=default) or default


def t(zh: str, en: str) -> str:
    """The text in the request's language."""
    return en if language() == "en" else zh


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(t=t, language=language)
