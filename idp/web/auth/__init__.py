"""Login, its later steps (new password, second factor, legal-person chooser), self sign-up,
logout (blueprint ``auth``) and "my account" (blueprint ``account``). Views are thin: the work
is in ``idp.authn`` and ``idp.sso``.

The blueprints live in ``blueprints``; importing the view modules here adds their routes, so the
app factory imports this package. Other blueprints read the browser's SSO session with
``idp.web.sso_cookie.current_session()`` and send people to log in with a ``LoginRequest``
(``/login?login=<id>``).
"""

from idp.web.auth import (  # noqa: F401 - each view module registers its routes
    account,
    account_data,
    account_deletion,
    account_history,
    account_mfa,
    account_passkeys,
    account_password,
    account_phone,
    account_upstreams,
    entity_choice,
    level_required,
    login,
    logout,
    organisations,
    passkey_login,
    password_change,
    password_reset,
    real_name,
    scan_login,
    second_factor,
    signup,
    sms_login,
    staff_login,
    upstream_login,
    upstream_saml,
)
from idp.web.auth.blueprints import account_bp, bp

__all__ = ["account_bp", "bp"]
