"""Login, second factor, legal-person chooser, logout (blueprint ``auth``) and "my account"
(blueprint ``account``). Views are thin: the work is in ``idp.authn`` and ``idp.sso``.

Other blueprints read the browser's SSO session with ``idp.sso.web.current_session()`` and send
people to log in with a ``LoginRequest`` (``/login?login=<id>``).
"""

from flask import Blueprint

bp = Blueprint("auth", __name__)
account_bp = Blueprint("account", __name__)

from idp.web.auth import (  # noqa: E402,F401 - register the views
    account,
    login,
    logout,
    mfa,
    password_change,
    steps,
)
