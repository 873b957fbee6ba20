"""The portal's front page, liveness (/healthz) and readiness (/readyz) checks."""

from flask import Blueprint, render_template

from idp.services import services
from idp.web import readiness

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    return render_template("home.html")


@bp.get("/healthz")
def health():
    return {"status": "ok"}


@bp.get("/readyz")
def ready():
    return readiness.response(services())
