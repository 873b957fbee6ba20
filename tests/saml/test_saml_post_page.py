"""The auto-submit page: prepared once, it is the page the template renders, byte for byte;
the SP's requests leave the portal's cookie session (and its flashed messages) alone."""

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
    # /saml/resume, the way back from the login page, has the cookie session flashes are in.
    with app.test_request_context("/saml/resume"):
        post_page("https://sp.example/acs", {"SAMLResponse": "x"})  # prepares the page
    with app.test_request_context("/saml/resume"):
        flash("<b>signed in</b>", "info")
        page = post_page("https://sp.example/acs", {"SAMLResponse": "x"})
    assert '<p class="flash flash-info" role="status">&lt;b&gt;signed in&lt;/b&gt;</p>' in page


def test_a_flashed_message_waits_for_the_next_portal_page_instead_of_the_sps_request(client):
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "password changed")]
    page = client.get("/saml/idp-initiated?sp=http://unknown.example/sp")
    assert "unknown service provider" in page.text
    assert "password changed" not in page.text
    assert "session=" not in page.headers.get("Set-Cookie", "")
    with client.session_transaction() as session:
        assert session["_flashes"] == [("info", "password changed")]
