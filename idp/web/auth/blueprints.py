"""The login pages' two blueprints: ``auth`` (login, its later steps, logout) and ``account``
("my account"); the view modules add routes to them.

A module of its own, so the views import it without importing the package, which imports every
view module to register its routes (no cycle through ``idp.web.auth``).
"""

from flask import Blueprint

bp = Blueprint("auth", __name__)
account_bp = Blueprint("account", __name__)
