"""Every OIDC URL and the view that serves it, in one table: the one module that imports views.

``bp`` (blueprint ``oidc``) holds the provider's endpoints; ``registration_bp`` (blueprint
``oidc_registration``) holds RFC 7591/7592 registration, apart because its errors are JSON
(its own error handler). The app factory registers both; ``server.init_app`` builds the
Authlib server the views use.
"""

from __future__ import annotations

from flask import Blueprint

from clients.errors import ClientError
from idp.oidc.endpoints import (
    authorize,
    consent,
    device_authorization,
    device_verification,
    discovery,
    end_session,
    introspection,
    jwks,
    par,
    registration,
    revocation,
    scan_login,
    select_account,
    token,
    userinfo,
)

GET, POST, GET_POST = ["GET"], ["POST"], ["GET", "POST"]

# (URL, view, methods); the Flask endpoint name is the view's name: "oidc.<name>".
ROUTES = [
    ("/.well-known/openid-configuration", discovery.openid_configuration, GET),
    ("/jwks", jwks.jwks, GET),
    ("/authorize", authorize.authorize, GET_POST),
    ("/authorize/resume", authorize.resume, GET),
    ("/authorize/consent", consent.consent_page, GET),
    ("/authorize/consent", consent.consent_decision, POST),
    ("/authorize/select-account", select_account.select_account_page, GET),
    ("/authorize/select-account", select_account.select_account_decision, POST),
    ("/par", par.pushed_authorization_request, POST),
    ("/token", token.token, POST),
    ("/userinfo", userinfo.userinfo, GET_POST),
    ("/introspect", introspection.introspect, POST),
    ("/revoke", revocation.revoke, POST),
    # The end_session_endpoint is /session/end (as node oidc-provider's): the portal's own
    # POST /logout form belongs to the login pages. GET /logout is an alias for relying
    # parties configured by hand.
    ("/session/end", end_session.logout, GET_POST),
    ("/logout", end_session.logout, GET),
    ("/session/end/confirm", end_session.logout_confirmed, POST),
    # Scan to log in: the provincial app confirms with its access token (issue 13).
    ("/scan/<request_id>", scan_login.scan_request, GET_POST),
    # The device flow (RFC 8628): the device's request, then the person's pages.
    ("/device_authorization", device_authorization.device_authorization, POST),
    ("/device", device_verification.enter_page, GET),
    ("/device", device_verification.enter_code, POST),
    ("/device/confirm", device_verification.confirm_page, GET),
    ("/device/confirm", device_verification.confirm_decision, POST),
]

REGISTRATION_ROUTES = [
    ("/connect/register", registration.register, POST),
    ("/connect/register/<client_id>", registration.read, GET),
    ("/connect/register/<client_id>", registration.update, ["PUT"]),
    ("/connect/register/<client_id>", registration.delete, ["DELETE"]),
]


def _blueprint(name: str, routes) -> Blueprint:
    blueprint = Blueprint(name, __name__)
    for rule, view, methods in routes:
        blueprint.add_url_rule(rule, view_func=view, methods=methods)
    return blueprint


bp = _blueprint("oidc", ROUTES)
registration_bp = _blueprint("oidc_registration", REGISTRATION_ROUTES)
registration_bp.record_once(registration.warm_secret_key)
registration_bp.register_error_handler(ClientError, registration.client_error)
