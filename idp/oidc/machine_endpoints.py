"""/token, /introspect, /revoke and /userinfo answered in front of Flask, by the same code.

Programs call these endpoints many times a second, each with a small urlencoded form and its
client's credentials; none of them uses a browser session, a template or a CSRF token. Flask's
request machinery around them (request and app contexts, URL matching, the before and after
hooks, a werkzeug request and a response to finalise) cost about a fifth of a token request's
CPU. This WSGI middleware hands Authlib a request built straight from the WSGI environ instead:
Authlib still runs every grant, client authentication and endpoint rule, with our storage and
audit (``server.py``), so nothing about the protocol moves here. UserInfo is our own
``userinfo_answer.answer``, which its Flask view calls too.

What the Flask route adds is kept: the input guard's checks and answers (``check_form_post``),
the security headers, the request id (``Observed``, outside), the latency label. An unexpected
error goes to Flask's own error handlers, in a request context made for it: 503 during an
outage, a logged 500 otherwise. What it does not answer goes to Flask unchanged: another
method, a query string, a body that is not an urlencoded form, has no length or is over the
limit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from io import BytesIO
from typing import TYPE_CHECKING, Any

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import OAuth2Request
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from werkzeug.datastructures import EnvironHeaders

from idp.oidc.authlib_endpoints import Introspection, Revocation
from idp.oidc.userinfo_answer import Answer
from idp.oidc.userinfo_answer import answer as userinfo_answer
from idp.web.before_flask import BeforeFlask
from idp.web.form_request import URLENCODED, parse_form
from idp.web.input_guard import check_form_post
from idp.web.observe import RULE

if TYPE_CHECKING:
    from flask import Flask

    from idp.oidc.server import OidcServer

Fields = list[tuple[str, str]]  # an urlencoded form's fields, in order


class MachineRequest(OAuth2Request):
    """Authlib's view of a urlencoded POST, read from the WSGI environ (no query string)."""

    def __init__(self, environ: dict, fields: Fields) -> None:
        host = environ.get("HTTP_HOST") or environ["SERVER_NAME"]
        # Authlib reads uri only to refuse plain http (InsecureTransportError), as Flask's.
        super().__init__("POST", f"{environ['wsgi.url_scheme']}://{host}{environ['PATH_INFO']}")
        self.environ = environ
        self.headers = EnvironHeaders(environ)
        data: dict[str, str] = {}
        datalist: dict[str, list[str]] = {}
        for name, value in fields:
            data.setdefault(name, value)  # the first of repeated fields, as werkzeug's get
            datalist.setdefault(name, []).append(value)
        self.payload = BasicOAuth2Payload(data)
        self.payload._datalist = datalist  # noqa: SLF001 - Authlib's duplicate-parameter checks

    @property
    def args(self) -> dict[str, str]:
        return {}

    @property
    def form(self) -> dict[str, str]:
        return self.payload.data


def _by_authlib(respond: Callable[[OidcServer, MachineRequest], Any]):
    """An endpoint Authlib answers, from the form's fields."""

    def answer(server: OidcServer, environ: dict, fields: Fields) -> Answer:
        try:
            request = MachineRequest(environ, fields)
        except OAuth2Error as error:  # plain http to a non-local issuer
            response = server.handle_error_response(None, error)
        else:
            response = respond(server, request)
        return response.status_code, response.headers.to_wsgi_list(), response.get_data()

    return answer


def _userinfo(server: OidcServer, environ: dict, fields: Fields) -> Answer:
    form_token = next((value for name, value in fields if name == "access_token"), None)
    return userinfo_answer(server, environ.get("HTTP_AUTHORIZATION", ""), form_token)


# path -> (how it is answered, the methods answered here)
ENDPOINTS = {
    "/token": (_by_authlib(lambda server, request: server.create_token_response(request)),
               ("POST",)),
    "/introspect": (_by_authlib(lambda server, request: server.create_endpoint_response(
        Introspection.ENDPOINT_NAME, request)), ("POST",)),
    "/revoke": (_by_authlib(lambda server, request: server.create_endpoint_response(
        Revocation.ENDPOINT_NAME, request)), ("POST",)),
    "/userinfo": (_userinfo, ("GET", "POST")),
}


class MachineEndpoints(BeforeFlask):
    """WSGI middleware: these endpoints' urlencoded POSTs (and userinfo's GET); everything
    else to ``app``."""

    def __init__(self, app: Callable, flask_app: Flask, server: OidcServer) -> None:
        super().__init__(app, flask_app)
        self.server = server
        self.max_body = flask_app.config["MAX_CONTENT_LENGTH"]  # larger: Flask's 413

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        endpoint, methods = ENDPOINTS.get(environ.get("PATH_INFO"), (None, ()))
        method = environ.get("REQUEST_METHOD")
        if method not in methods or environ.get("QUERY_STRING") \
                or "HTTP_TRANSFER_ENCODING" in environ:
            return self.app(environ, start_response)
        length = environ.get("CONTENT_LENGTH") or "0"
        if method == "GET":
            if length != "0":
                return self.app(environ, start_response)
            body = b""
        elif (not length.isdigit() or int(length) > self.max_body
              or environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower() != URLENCODED):
            return self.app(environ, start_response)
        else:
            body = environ["wsgi.input"].read(int(length))
            environ["wsgi.input"] = BytesIO(body)  # read again only by an error page's request
        environ[RULE] = environ["PATH_INFO"]
        refused = check_form_post(environ, body)
        if refused is not None:
            return self.respond(start_response, *refused)
        try:
            answer = endpoint(self.server, environ, parse_form(body))
        except Exception as error:  # noqa: BLE001 - answered by Flask's error handlers
            return self.flask_error(environ, start_response, error)
        return self.respond(start_response, *answer)
