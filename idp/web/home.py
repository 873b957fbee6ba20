"""The portal's front page, its icon, liveness (/healthz) and readiness (/readyz) checks."""

from flask import Blueprint, render_template, send_from_directory

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
    from flask import current_app

    return send_from_directory(current_app.static_folder, "favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=86400)


@bp.get("/healthz")
def health():
    return {"status": "ok"}


@bp.get("/readyz")
def ready():
    return readiness.response(services())
