"""The login pages' two blueprints: ``auth`` (login, its later steps, logout) and ``account``
("my account"); the view modules add routes to them.

A module of its own, so the views import it without importing the package, which imports every
view module to register its routes (no cycle through ``idp.web.auth``).
"""

from flask import Blueprint

bp = Blueprint("auth", __name__)
account_bp = Blueprint("account", __name__)


@bp.record_once
def _register_the_app(state) -> None:
    """The provincial app signs in through these pages: its built-in client (migration
    0021_app_client) is registered again if the database lost it."""
    from clients.app_client import ensure_app_client

    ensure_app_client(state.app.extensions["yiwang"])
