"""What the WSGI middleware that answers hot endpoints before Flask share: the response with
the headers every Flask response carries, and Flask's own answer to an unexpected error."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from werkzeug.http import HTTP_STATUS_CODES

from idp.web.headers import security_headers

if TYPE_CHECKING:
    from flask import Flask


class BeforeFlask:
    """Base of such a middleware: ``app`` is the WSGI app behind it, ``flask_app`` the app."""

    def __init__(self, app: Callable, flask_app: Flask) -> None:
        self.app, self.flask_app = app, flask_app
        self.security = list(security_headers(
            flask_app.extensions["yiwang"].settings.issuer).items())

    def respond(self, start_response: Callable, status: int, headers: list[tuple[str, str]],
                body: bytes) -> list[bytes]:
        """The answer, with the security headers it does not set itself and its length."""
        present = {name.lower() for name, _ in headers}
        headers = [*headers, *(h for h in self.security if h[0].lower() not in present)]
        if "content-length" not in present:
            headers.append(("Content-Length", str(len(body))))
        start_response(f"{status} {HTTP_STATUS_CODES.get(status, 'Unknown')}", headers)
        return [body]

    def flask_error(self, environ: dict, start_response: Callable, error: Exception):
        """Flask's error handlers' answer (503 during an outage, a logged 500 otherwise)."""
        app = self.flask_app
        with app.request_context(environ):
            response = app.finalize_request(app.handle_user_exception(error))
        return response(environ, start_response)
