"""ForceAuthn, IsPassive and RequestedAuthnContext against the SSO session."""

from __future__ import annotations

from saml2.saml import AuthnContextClassRef
from saml2.samlp import RequestedAuthnContext
from saml_helpers import form_of, status_seen_by

LEVEL3 = "urn:yiwang:ac:classes:level3"


def _context(*refs: str, comparison: str = "exact") -> RequestedAuthnContext:
    return RequestedAuthnContext(
        authn_context_class_ref=[AuthnContextClassRef(r) for r in refs], comparison=comparison)


def test_is_passive_without_a_session_answers_no_passive(pysaml2_sp, browser):
    sp = pysaml2_sp()
    action, fields = form_of(browser.get(sp.login_url(is_passive="true")))
    assert action == sp.acs
    assert status_seen_by(sp, fields) == "StatusNoPassive"


def test_is_passive_with_a_session_answers_without_any_page(pysaml2_sp, browser, signed_in):
    signed_in()
    sp = pysaml2_sp()
    _, fields = form_of(browser.get(sp.login_url(is_passive="true")))
    assert status_seen_by(sp, fields) == "Success"


def test_force_authn_sends_a_signed_in_user_to_the_login_page_again(
        pysaml2_sp, browser, person):
    person("alice")
    sp = pysaml2_sp()
    first = browser.login(browser.get(sp.login_url()))
    assert status_seen_by(sp, form_of(first)[1]) == "Success"
    again = browser.get(sp.login_url(force_authn="true"))
    assert "/login?login=" in again.url
    assert status_seen_by(sp, form_of(browser.login(again))[1]) == "Success"


def test_a_higher_requested_level_sends_the_user_to_log_in_again(
        pysaml2_sp, browser, signed_in):
    signed_in(level=2)
    sp = pysaml2_sp()
    page = browser.get(sp.login_url(requested_authn_context=_context(LEVEL3)))
    assert "/login?login=" in page.url


def test_an_unreachable_level_with_is_passive_answers_no_passive(
        pysaml2_sp, browser, signed_in):
    signed_in(level=2)
    sp = pysaml2_sp()
    url = sp.login_url(requested_authn_context=_context(LEVEL3), is_passive="true")
    assert status_seen_by(sp, form_of(browser.get(url))[1]) == "StatusNoPassive"


def test_an_unknown_authn_context_answers_no_authn_context(pysaml2_sp, browser, signed_in):
    signed_in()
    sp = pysaml2_sp()
    url = sp.login_url(requested_authn_context=_context("urn:example:ac:retina-scan"))
    assert status_seen_by(sp, form_of(browser.get(url))[1]) == "StatusNoAuthnContext"


def test_the_assertion_states_the_level_and_the_method_really_used(
        pysaml2_sp, browser, signed_in):
    signed_in(level=2, amr=["pwd"])
    sp = pysaml2_sp()
    _, fields = form_of(browser.get(sp.login_url(
        requested_authn_context=_context("urn:yiwang:ac:classes:level2"))))
    context = sp.accept(fields["SAMLResponse"]).assertion.authn_statement[0].authn_context
    assert context.authn_context_class_ref.text == "urn:yiwang:ac:classes:level2"
    assert context.authn_context_decl_ref.text.endswith(":Password")


def test_a_passkey_login_is_stated_as_level_3_and_phishing_resistant(
        pysaml2_sp, browser, signed_in):
    signed_in(level=3, amr=["swk", "user", "mfa"])  # passwordless, as idp/authn/passkeys makes
    sp = pysaml2_sp(policy={"min_level": 3})
    _, fields = form_of(browser.get(sp.login_url()))
    context = sp.accept(fields["SAMLResponse"]).assertion.authn_statement[0].authn_context
    assert context.authn_context_class_ref.text == "urn:yiwang:ac:classes:level3"
    assert context.authn_context_decl_ref.text == \
        "http://idmanagement.gov/ns/assurance/aal/2?phishing_resistant=true"


def test_the_sps_minimum_level_applies_to_every_request(pysaml2_sp, browser, signed_in):
    signed_in(level=2)
    sp = pysaml2_sp(policy={"min_level": 3})
    assert "/login?login=" in browser.get(sp.login_url()).url
