"""The console's two blueprints and their page globals; the view modules add routes to them.

A module of its own, so the views import it without importing each other (no cycle through
``admin.web``, which imports every view module to register its routes).
"""

from datetime import UTC, datetime

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
api_bp = Blueprint("admin_api", __name__, url_prefix="/admin/api")


@bp.record_once
def _console_client(state) -> None:
    # The console signs admins in as a first-party OIDC client: make sure it is registered.
    from admin.first_party import ensure_console_client

    ensure_console_client(state.app.extensions["yiwang"])


@bp.context_processor
def _console_globals() -> dict:
    from admin import claim_words
    from admin.access import allowed_somewhere
    from admin.audit_log import local
    from admin.role_words import role_name
    from admin.roles import Permission
    from admin.web.guard import current_admin
    from idp.claims import SUPPORTED_SCOPES
    from idp.web.i18n import language

    admin = current_admin()
    lang = language()
    return {"console_admin": admin, "local": local, "supported_scopes": SUPPORTED_SCOPES,
            "claim_label": lambda code: claim_words.label(claim_words.CLAIMS, code, lang),
            "scope_label": lambda code: claim_words.label(claim_words.SCOPES, code, lang),
            "role_label": lambda role: role_name(role, lang),
            "epoch": lambda seconds: local(datetime.fromtimestamp(seconds, UTC)),
            "can": lambda name: allowed_somewhere(admin, Permission[name])}
