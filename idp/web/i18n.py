"""Chinese first, English by Accept-Language. Templates write both: ``t("登录", "Log in")``."""

from __future__ import annotations

from flask import Flask, current_app, g, request

LANGUAGES = ("zh", "en")


def language() -> str:
    if "lang" not in g:
        default = current_app.extensions["yiwang"].settings.default_language
        g.lang = request.accept_languages.best_match(LANGUAGES, default=default) or default
    return g.lang


def t(zh: str, en: str) -> str:
    """The text in the request's language."""
    return en if language() == "en" else zh


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(t=t, language=language)
