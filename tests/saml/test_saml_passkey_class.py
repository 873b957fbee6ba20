"""An SP asking for the phishing-resistant class (login.gov's AAL2 phishing_resistant=true) in
RequestedAuthnContext gets a login with a passkey and an assertion stating that class: a passkey
session answers at once, a password session steps up with its passkey (never an authenticator
code), and without a session the login page offers only the passkey. A pysaml2 SP asks; the
person's passkey is held in Python (tests/passkeys)."""

from __future__ import annotations

import re
import time

import pyotp
from saml2.saml import AuthnContextClassRef
from saml2.samlp import RequestedAuthnContext
from saml_helpers import form_of, status_seen_by

from idp.audit import SYSTEM_ACTOR
from idp.authn.totp import begin_enrolment, confirm_enrolment
from idp.saml.constants import PHISHING_RESISTANT
from idp.sso.session import COOKIE_NAME
from tests.passkeys.passkey_helpers import SoftwareAuthenticator


def _asks_for_a_passkey(comparison: str = "exact") -> RequestedAuthnContext:
    return RequestedAuthnContext(
        authn_context_class_ref=[AuthnContextClassRef(PHISHING_RESISTANT)],
        comparison=comparison)


def _class_of(sp, fields) -> str:
    statement = sp.accept(fields["SAMLResponse"]).assertion.authn_statement[0]
    return statement.authn_context.authn_context_class_ref.text


def _use_passkey(browser, page, options_path: str, answer_path: str, authenticator,
                 user: str):
    """What passkeys.js does: options (a POST with the form's CSRF token), then the answer."""
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    login = re.search(r'name="login" value="([^"]+)"', page.text)
    extra = {"login": login.group(1)} if login else {}
    options = browser.http.post(browser.base + options_path,
                                data={"csrf_token": csrf, **extra}, timeout=10).json()
    credential = authenticator.answer(options, browser.base, user=user)
    return browser.post(answer_path, {"csrf_token": csrf, "credential": credential, **extra})


def test_a_passkey_session_is_answered_with_the_phishing_resistant_class(
        pysaml2_sp, browser, signed_in):
    signed_in(level=3, amr=["swk", "user", "mfa"])
    sp = pysaml2_sp()
    _, fields = form_of(browser.get(sp.login_url(requested_authn_context=_asks_for_a_passkey())))
    assert _class_of(sp, fields) == PHISHING_RESISTANT


def test_a_password_session_steps_up_with_its_passkey(pysaml2_sp, browser, signed_in, svc):
    session = signed_in(level=2, amr=["pwd"])
    authenticator = SoftwareAuthenticator()
    authenticator.register(svc, session.account_id)
    sp = pysaml2_sp()
    page = browser.get(sp.login_url(requested_authn_context=_asks_for_a_passkey()))
    assert page.url.endswith("/login/otp")  # only the second factor is missing
    assert "使用通行密钥验证" in page.text and 'name="code"' not in page.text
    answered = _use_passkey(browser, page, "/login/otp/passkey/options", "/login/otp/passkey",
                            authenticator, session.account_id)
    _, fields = form_of(answered)
    assert _class_of(sp, fields) == PHISHING_RESISTANT
    stepped = svc.sessions.load(browser.http.cookies.get(COOKIE_NAME))
    assert stepped.amr == ["pwd", "swk", "user"] and stepped.level == 3


def test_without_a_session_the_login_page_offers_only_the_passkey(
        pysaml2_sp, browser, person, svc):
    alice = person("alice")
    authenticator = SoftwareAuthenticator()
    authenticator.register(svc, alice.id)
    sp = pysaml2_sp()
    page = browser.get(sp.login_url(requested_authn_context=_asks_for_a_passkey()))
    assert "/login?login=" in page.url
    assert 'data-passkey="get"' in page.text and 'name="password"' not in page.text
    # A password typed anyway (an old form, a script) is refused: no session.
    refused = browser.login(page)
    assert "/login" in refused.url and browser.http.cookies.get(COOKIE_NAME) is None
    answered = _use_passkey(browser, page, "/login/passkey/options", "/login/passkey",
                            authenticator, alice.id)
    _, fields = form_of(answered)
    assert _class_of(sp, fields) == PHISHING_RESISTANT


def test_nothing_is_better_than_the_passkey_class(pysaml2_sp, browser, signed_in):
    signed_in(level=3, amr=["swk", "user", "mfa"])
    sp = pysaml2_sp()
    url = sp.login_url(requested_authn_context=_asks_for_a_passkey("better"))
    assert status_seen_by(sp, form_of(browser.get(url))[1]) == "StatusNoAuthnContext"


def test_an_authenticator_code_does_not_stand_in_for_the_passkey(
        pysaml2_sp, browser, signed_in, svc):
    session = signed_in(level=2, amr=["pwd"])
    SoftwareAuthenticator().register(svc, session.account_id)
    secret = begin_enrolment(svc, session.account_id, "alice").secret
    earlier = time.time() - 60
    confirm_enrolment(svc, session.account_id, pyotp.TOTP(secret).at(earlier), SYSTEM_ACTOR,
                      now=earlier)
    sp = pysaml2_sp()
    page = browser.get(sp.login_url(requested_authn_context=_asks_for_a_passkey()))
    assert page.url.endswith("/login/otp") and 'name="code"' not in page.text
    # The code posted anyway (a relayed one, say) logs in, but does not answer the SP.
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    after = browser.post("/login/otp", {"csrf_token": csrf, "code": pyotp.TOTP(secret).now()})
    assert "/login/level" in after.url and "通行密钥" in after.text
    assert 'id="saml-post"' not in after.text
