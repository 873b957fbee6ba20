"""The portal's front page, its icon, liveness (/healthz) and readiness (/readyz) checks."""

import functools
from pathlib import Path

from flask import Blueprint, Response, render_template

from idp.services import services
from idp.web import readiness

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    return render_template("home.html")


@bp.get("/favicon.ico")
def favicon():
    # Browsers ask for /favicon.ico on every page whatever the markup says; a day's cache
    # keeps the request off the server after the first page.
    response = Response(_icon(), mimetype="image/vnd.microsoft.icon")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


@functools.cache
def _icon() -> bytes:
    return (Path(__file__).resolve().parents[1] / "static" / "favicon.ico").read_bytes()


@bp.get("/healthz")
def health():
    return {"status": "ok"}


@bp.get("/readyz")
def ready():
    return readiness.response(services())
