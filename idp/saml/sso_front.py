"""SAML single sign-on's GET requests answered in front of Flask, by the same code.

An SP that already shares the person's SSO session sends its AuthnRequest over HTTP-Redirect
(``GET /saml/sso``), or the portal asks for an unsolicited response (``GET
/saml/idp-initiated``): the answer is a signed assertion in the auto-submit page. Beside the
signature, Flask's request machinery around that answer (contexts, URL matching, the hooks, a
response object to finalise) was the largest share left of its CPU (issue 16). This WSGI
middleware decides the answer with ``sso`` as the views do, and writes the auto-submit page
from the page prepared once (``post_page``), with the headers every page carries.

Every other answer (the login page redirect, an error page, a front-channel logout page) is
handed to Flask with the decided answer in the environ, so its view renders it without deciding
again. A request the input guard would refuse, a POST and anything unexpected go to Flask too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from idp.audit import Actor
from idp.saml import sso
from idp.saml.answers import Answer
from idp.saml.bindings import from_redirect
from idp.saml.errors import SamlError
from idp.saml.post_page import cached_page, prepared_page
from idp.web.before_flask import BeforeFlask
from idp.web.i18n import language_of
from idp.web.input_guard import passes_get
from idp.web.observe import RULE
from idp.web.sso_cookie import session_of

if TYPE_CHECKING:
    from flask import Flask

ANSWER = "yiwang.saml_answer"  # WSGI environ key: the answer decided here, for the view
_HTML = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")]


def actor_of(environ: dict) -> Actor:
    """Who the audit says asked: the client address and user agent of the request."""
    return Actor(ip=environ.get("REMOTE_ADDR"), user_agent=environ.get("HTTP_USER_AGENT") or None)


def decided_answer(environ: dict) -> Answer | None:
    """The answer this middleware decided for the request, if it did (for the views)."""
    return environ.get(ANSWER)


class SamlSsoFront(BeforeFlask):
    """WSGI middleware: GET /saml/sso and /saml/idp-initiated; everything else to ``app``."""

    def __init__(self, app: Callable, flask_app: Flask) -> None:
        super().__init__(app, flask_app)
        self.services = flask_app.extensions["yiwang"]
        self.default_language = self.services.settings.default_language

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if (path not in ("/saml/sso", "/saml/idp-initiated")
                or environ.get("REQUEST_METHOD") != "GET"
                or environ.get("CONTENT_LENGTH") not in (None, "", "0")
                or "HTTP_TRANSFER_ENCODING" in environ or not passes_get(environ)):
            return self.app(environ, start_response)
        environ[RULE] = path
        try:
            answer = self._decide(path, environ)
        except Exception as error:  # noqa: BLE001 - answered by Flask's error handlers
            return self.flask_error(environ, start_response, error)
        if answer.kind != "post" or answer.frames or answer.clear_session:
            environ[ANSWER] = answer
            return self.app(environ, start_response)
        page = self._page(environ).fill(answer.url, answer.fields)
        return self.respond(start_response, 200, list(_HTML), page.encode())

    def _decide(self, path: str, environ: dict) -> Answer:
        svc = self.services
        actor = actor_of(environ)
        current = session_of(svc, environ)
        query = environ.get("QUERY_STRING", "")
        if path == "/saml/idp-initiated":
            args: dict[str, str] = {}
            for name, value in parse_qsl(query, keep_blank_values=True):
                args.setdefault(name, value)  # the first of repeated names, as werkzeug's get
            return sso.idp_initiated(svc, args.get("sp"), args.get("RelayState"), current,
                                     actor)
        try:
            inbound = from_redirect(query.encode("latin-1"), "SAMLRequest")
        except SamlError as error:
            return Answer.error(error.description)
        return sso.start(svc, inbound, current, actor)

    def _page(self, environ: dict):
        language = language_of(environ.get("HTTP_ACCEPT_LANGUAGE"), self.default_language)
        script_root = environ.get("SCRIPT_NAME", "").rstrip("/")
        page = cached_page(self.flask_app, language, script_root)
        if page is None:  # the first answer in this language: the template is rendered once
            with self.flask_app.request_context(environ):
                page = prepared_page()
        return page
