"""A SAML SP's first factors (issue 13): its login page offers only those, and a session begun
with another one does not answer it without a new login."""

from __future__ import annotations

from saml_helpers import form_of, status_seen_by


def test_an_sp_that_accepts_only_passwords_shows_no_sms_nor_scan(pysaml2_sp, browser, person):
    person("alice")
    sp = pysaml2_sp(policy={"first_factors": ["password"]})
    page = browser.get(sp.login_url())
    assert "/login?login=" in page.url
    assert "短信登录" not in page.text and "扫码登录" not in page.text
    assert "此服务仅接受以下登录方式：密码" in page.text
    assert status_seen_by(sp, form_of(browser.login(page))[1]) == "Success"


def test_an_sms_session_must_log_in_again_for_an_sp_that_refuses_sms(
        pysaml2_sp, browser, signed_in):
    signed_in(level=1, amr=["sms"])
    sp = pysaml2_sp(policy={"first_factors": ["password", "passkey"]})
    page = browser.get(sp.login_url())
    assert "/login?login=" in page.url and "短信登录" not in page.text
    passive = browser.get(sp.login_url(is_passive="true"))
    assert status_seen_by(sp, form_of(passive)[1]) == "StatusNoPassive"


def test_an_sms_session_answers_an_sp_that_accepts_every_factor(pysaml2_sp, browser, signed_in):
    signed_in(level=1, amr=["sms"])
    sp = pysaml2_sp()
    assert status_seen_by(sp, form_of(browser.get(sp.login_url()))[1]) == "Success"
