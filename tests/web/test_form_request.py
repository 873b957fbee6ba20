"""A urlencoded body the input guard has read is parsed once, into what werkzeug would give
(idp.web.form_request): same fields in the same order, an empty form for a body that is not
UTF-8, the stream read to its end."""

from __future__ import annotations

import io

import flask
import pytest
from werkzeug.test import EnvironBuilder

from idp.web.form_request import Request


def _parsed(request_class, body: bytes):
    app = flask.Flask(__name__)
    app.request_class = request_class
    environ = EnvironBuilder(path="/token", method="POST", data=body,
                             content_type="application/x-www-form-urlencoded").get_environ()
    environ["wsgi.input"] = io.BytesIO(body)
    with app.request_context(environ):
        flask.request.get_data(cache=True)  # as the input guard reads it
        form = flask.request.form
        return (type(form), list(form.items(multi=True)), list(flask.request.files),
                flask.request.stream.read())


@pytest.mark.parametrize("body", [
    b"grant_type=client_credentials&scope=",
    b"token=a.b.c&token_type_hint=access_token&x=%E4%B8%AD+z",
    b"a&b=1&a=2",
    b"a=%ff&b=2",
    b"a=\xff",
])
def test_a_form_the_guard_has_read_parses_as_werkzeug_parses_it(body):
    assert _parsed(Request, body) == _parsed(flask.Request, body)
