"""No browser session on machine endpoints: token, introspection, revocation, userinfo.

Flask opens the signed-cookie session on every request (a serializer built, the cookie read
and verified) and considers saving it afterwards. Endpoints called by programs authenticate a
client or a bearer token and never use it, so for their paths the session interface hands out
Flask's null session at once: nothing is read, signed or set. Every other hook stays (the input
guard, error handling, the security headers); pages keep their sessions.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask
from flask.sessions import SecureCookieSessionInterface


class PageOnlySessions(SecureCookieSessionInterface):
    """The app's cookie sessions, except on ``machine_paths`` (exact paths)."""

    def __init__(self, machine_paths: Iterable[str]) -> None:
        self.machine_paths = frozenset(machine_paths)

    def open_session(self, app, request):
        if request.path in self.machine_paths:
            return self.make_null_session(app)
        return super().open_session(app, request)


def skip_sessions(app: Flask, machine_paths: Iterable[str]) -> None:
    """Add machine_paths to those served without a session."""
    current = app.session_interface
    paths = set(machine_paths)
    if isinstance(current, PageOnlySessions):
        paths |= current.machine_paths
    elif type(current) is not SecureCookieSessionInterface:
        return  # someone installed another session store: leave it alone
    app.session_interface = PageOnlySessions(paths)
