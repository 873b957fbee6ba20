"""A real browser (Chromium) goes from a SAML SP through the login page and is POSTed back to
the SP by the auto-submit form, under the IdP's Content-Security-Policy."""

from __future__ import annotations

import threading
from urllib.parse import parse_qs

import pytest
from werkzeug.serving import make_server

pytestmark = pytest.mark.browser


@pytest.fixture
def acs_server():
    """The SP's ACS on a real port: records what the browser POSTs to it."""
    posted: list[dict[str, str]] = []

    def app(environ, start_response):
        if environ["REQUEST_METHOD"] == "POST":  # (not the browser's favicon request)
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            posted.append({k: v[0] for k, v in parse_qs(body.decode()).items()})
        start_response("200 OK", [("Content-Type", "text/html")])
        return [b"<html><body>signed in at the SP</body></html>"]

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", posted
    server.shutdown()
    thread.join(timeout=5)


def test_the_browser_logs_in_and_the_form_posts_itself_to_the_sp(
        pysaml2_sp, person, acs_server, chromium):
    base, posted = acs_server
    person("alice")
    sp = pysaml2_sp(base)
    page = chromium.new_page(locale="zh-CN")
    page.goto(sp.login_url())
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(sp.acs)
    assert "signed in at the SP" in page.content()
    (fields,) = posted
    assert sp.accept(fields["SAMLResponse"]).ava["displayName"] == ["张三"]
