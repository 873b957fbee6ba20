"""Fixtures of the SSO session tests: people who log in through the login form, written once
in tests/login/login_helpers.py and shared with the login tests."""

from __future__ import annotations

from tests.login.login_helpers import (  # noqa: F401 - the login tests' fixtures
    csrf,
    events,
    login,
    person,
    sso_token,
)
