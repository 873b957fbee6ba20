"""SSO answers decided before Flask (``idp.saml.sso_front``) are the answers Flask's views give:
the same page and headers, the same refusals, the same audit, and Flask's own error pages."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
import requests
from saml_helpers import form_of, status_seen_by

from idp.app import create_app
from idp.sso.session import COOKIE_NAME
from idp.store import StoreUnavailable

PAGE_HEADERS = ("Content-Type", "Cache-Control", "X-Frame-Options", "X-Content-Type-Options",
                "Referrer-Policy", "Content-Security-Policy")


def _without_response(page: str) -> str:
    return re.sub(r'name="SAMLResponse" value="[^"]*"', 'name="SAMLResponse" value=""', page)


def test_a_redirect_request_gets_the_page_and_headers_the_post_binding_gets(
    idp, pysaml2_sp, signed_in, browser
):
    sp = pysaml2_sp()
    signed_in()
    before_flask = browser.get(sp.login_url(relay_state="/after"))  # HTTP-Redirect: the front
    through_flask = browser.post("/saml/sso", {**sp.login_post(idp[1] + "/saml/sso"),
                                               "RelayState": "/after"})
    for answer in (before_flask, through_flask):
        action, fields = form_of(answer)
        assert action == sp.acs and fields["RelayState"] == "/after"
        assert status_seen_by(sp, fields) == "Success"
    assert _without_response(before_flask.text) == _without_response(through_flask.text)
    for name in PAGE_HEADERS:
        assert before_flask.headers.get(name) == through_flask.headers.get(name), name
    assert "X-Request-Id" in before_flask.headers
    assert "Set-Cookie" not in before_flask.headers


def test_the_page_is_in_the_language_the_browser_asks_for(pysaml2_sp, signed_in, browser):
    sp = pysaml2_sp()
    signed_in()
    browser.http.headers["Accept-Language"] = "en-GB,en;q=0.8"
    assert "Returning to the service" in browser.get(sp.login_url()).text
    browser.http.headers["Accept-Language"] = "zh-CN"
    assert "正在返回应用" in browser.get(sp.login_url()).text


def test_without_a_session_the_front_sends_the_browser_to_the_login_page(pysaml2_sp, browser):
    sp = pysaml2_sp()
    answer = browser.get(sp.login_url(), allow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["Location"].startswith("/login?login=")


def test_a_broken_request_gets_flasks_error_page(idp, browser):
    answer = browser.get("/saml/sso?SAMLRequest=not-base64-deflate")
    assert answer.status_code == 400
    assert "无法受理该应用发来的登录或退出请求" in answer.text
    assert answer.headers["Content-Type"].startswith("text/html")


def test_hostile_text_in_the_query_is_refused_at_the_edge(browser):
    answer = browser.get("/saml/idp-initiated?sp=%00")
    assert answer.status_code == 400 and answer.headers["Content-Type"].startswith("text/html")


def test_an_unsolicited_response_before_flask_is_accepted_by_the_sp(idp, pysaml2_sp, signed_in,
                                                                   browser, events):
    sp = pysaml2_sp()
    signed_in()
    answer = browser.get(f"/saml/idp-initiated?sp={sp.entity_id}&RelayState=%2Fhome")
    action, fields = form_of(answer)
    assert action == sp.acs and fields["RelayState"] == "/home"
    assert status_seen_by(sp, fields) == "Success"
    assert events("saml.assertion")[-1].detail["unsolicited"] is True


def test_an_outage_while_deciding_is_flasks_503_page(pysaml2_sp, signed_in, browser, svc,
                                                     monkeypatch):
    sp = pysaml2_sp()
    signed_in()

    def down(*_args, **_kwargs):
        raise StoreUnavailable("the Store is down")

    monkeypatch.setattr(type(svc.audit_batch), "record", down)
    answer = browser.get(sp.login_url())
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] and answer.headers["X-Frame-Options"] == "DENY"


@pytest.fixture
def behind_proxy(settings):
    """A Flask test client of an app behind one trusted proxy."""
    app = create_app(replace(settings, trusted_proxies=1))
    yield app.test_client(), app.extensions["yiwang"]
    app.extensions["yiwang"].db.dispose()


def test_the_assertion_is_audited_with_the_browser_behind_a_trusted_proxy(behind_proxy, tmp_path):
    from saml_helpers import PASSWORD
    from saml_sps import PySaml2Sp
    from sqlalchemy import select

    from idp.accounts import service
    from idp.audit import SYSTEM_ACTOR, AuditEvent
    from idp.saml.sp_metadata import import_sp

    client, svc = behind_proxy
    metadata = client.get("/saml/metadata").get_data(as_text=True)
    sp = PySaml2Sp(tmp_path, metadata, "http://sp-proxy.test")
    import_sp(svc, sp.metadata(), SYSTEM_ACTOR, allowed_attributes=["name"])
    someone = service.create_person(svc, SYSTEM_ACTOR, username="proxied", password=PASSWORD,
                                    name="张三", id_number="11010519491231002X", assurance_level=2)
    token, _ = svc.sessions.create(account_id=someone.id, username=someone.username, level=2,
                                   amr=["pwd"])
    client.set_cookie(COOKIE_NAME, token)
    path = sp.login_url().split("/saml/sso", 1)[1]
    answer = client.get("/saml/sso" + path, headers={"X-Forwarded-For": "198.51.100.7",
                                                     "User-Agent": "Mozilla/5.0 (proxy test)"})
    assert answer.status_code == 200 and b"SAMLResponse" in answer.data
    with svc.db.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.type == "saml.assertion")
                                .order_by(AuditEvent.id.desc())).first()
    assert (event.ip, event.user_agent) == ("198.51.100.7", "Mozilla/5.0 (proxy test)")


def test_the_metadata_still_comes_from_flask(idp):
    answer = requests.get(idp[1] + "/saml/metadata", timeout=10)
    assert answer.status_code == 200 and "EntityDescriptor" in answer.text
