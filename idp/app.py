"""The application factory."""

from __future__ import annotations

import logging

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from idp.services import Services
from idp.settings import Settings
from idp.web import csrf, errors, form_request, headers, i18n, input_guard, metrics, observe


def create_app(settings: Settings | None = None, *, services: Services | None = None) -> Flask:
    settings = settings or Settings.from_env()
    services = services or Services.build(settings)
    app = Flask(__name__)
    app.extensions["yiwang"] = services
    app.config.update(
        SECRET_KEY=services.keyring.key("web-session")[1],
        SESSION_COOKIE_NAME="yiwang_web",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        MAX_CONTENT_LENGTH=1024 * 1024,
    )
    form_request.init_app(app)  # forms the input guard has read are not parsed twice
    input_guard.init_app(app)  # first: no view or hook sees a NUL, a control or bad UTF-8
    i18n.init_app(app)
    csrf.init_app(app)
    headers.init_app(app)
    errors.init_app(app)
    _register_blueprints(app)
    metrics.init_app(app, settings)
    if settings.trusted_proxies:  # around the middleware that answers before Flask, too
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies
        )
    # Last, so it wraps everything: request id, latency, access line
    # (docs/operating.md "Monitoring").
    observe.init_app(app, measure=bool(settings.metrics_token or settings.metrics_bind),
                     access_lines=settings.log_format == "json")
    _start_directory_sync(app)
    logging.getLogger(__name__).info("Yiwang IdP ready at %s", settings.issuer)
    return app


def _start_directory_sync(app: Flask) -> None:
    # The staff directories' sync schedule: a thread of this worker when an interval is set
    # (IDP_LDAP_SYNC_INTERVAL_SECONDS); each period is claimed by one node in the Store.
    from federation.sync_schedule import start_schedule

    app.extensions["federation.sync_schedule"] = start_schedule(app.extensions["yiwang"])


def _register_blueprints(app: Flask) -> None:
    from admin.web import api_bp as admin_api
    from admin.web import bp as admin
    from idp.oidc.logout import session_hooks as oidc_session_hooks
    from idp.oidc.routes import bp as oidc
    from idp.oidc.routes import registration_bp as oidc_registration
    from idp.oidc.server import init_app as init_oidc
    from idp.saml.views import bp as saml
    from idp.web.auth import account_bp
    from idp.web.auth import bp as auth
    from idp.web.home import bp as home

    for blueprint in (home, auth, account_bp, oidc, saml, oidc_registration, admin, admin_api):
        app.register_blueprint(blueprint)
    # OIDC provider: the Authlib server its views use, and what it adds to every SSO session
    # (back-channel logout, front-channel logout URIs, "my account" site revocation).
    init_oidc(app)
    oidc_session_hooks.install(app.extensions["yiwang"])
