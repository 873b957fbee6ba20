"""The auto-submit page prepared once is the page the template renders, byte for byte."""

from __future__ import annotations

import pytest
from flask import flash, render_template

from idp.saml.post_page import TEMPLATE, post_page

AWKWARD = {"SAMLResponse": "PHNhbWxwOlJlc3BvbnNlIC8++/==",
           "RelayState": "a&b<c>\"'é中\ue000name\ue000"}


@pytest.mark.parametrize("url, fields", [
    ("https://sp.example/acs", {"SAMLResponse": "PHNhbWw+"}),
    ("https://sp.example/acs?x=1&y=\"<'>\"", AWKWARD),
    ("https://sp.example/acs", {}),
])
@pytest.mark.parametrize("language", ["zh-CN", "en"])
@pytest.mark.parametrize("script_root", ["", "/idp"])
def test_the_prepared_page_is_the_rendered_template(app, url, fields, language, script_root):
    def context():
        return app.test_request_context("/saml/sso", base_url="http://idp.test" + script_root,
                                        headers={"Accept-Language": language})
    with context():
        expected = render_template(TEMPLATE, url=url, fields=fields)
    with context():
        assert post_page(url, fields) == expected


def test_flashed_messages_are_shown_on_the_page_as_the_template_shows_them(app):
    with app.test_request_context("/saml/sso"):
        post_page("https://sp.example/acs", {"SAMLResponse": "x"})  # prepares the page
    with app.test_request_context("/saml/sso"):
        flash("<b>signed in</b>", "info")
        page = post_page("https://sp.example/acs", {"SAMLResponse": "x"})
    assert '<p class="flash flash-info" role="status">&lt;b&gt;signed in&lt;/b&gt;</p>' in page
