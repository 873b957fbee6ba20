"""Authentication steps: the password login, brute-force protection, TOTP and recovery codes.

Views in ``idp/web/login.py`` and ``idp/web/account.py`` call these service functions; nothing
here touches ``flask.request``. The finished login becomes an SSO session (``idp.sso``).
"""
