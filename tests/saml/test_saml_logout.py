"""Single logout: SP-initiated through the browser across SAML SPs, and across protocols."""

from __future__ import annotations

import pytest
from saml2 import BINDING_HTTP_REDIRECT
from saml2.response import StatusRequestDenied
from saml_helpers import form_of, query_of

from idp.sso.session import COOKIE_NAME


def sign_in_to_both(browser, sp_a, sp_b):
    """SSO to a pysaml2 SP then a python3-saml SP; returns (pysaml2 answer, OneLogin auth)."""
    _, fields = form_of(browser.get(sp_a.login_url()))
    answer_a = sp_a.accept(fields["SAMLResponse"])
    start = sp_b.auth("/login")
    _, fields = form_of(browser.get(start.login()))
    auth_b = sp_b.auth("/acs", post=fields)
    auth_b.process_response(request_id=start.get_last_request_id())
    assert auth_b.is_authenticated()
    return answer_a, auth_b


def test_logout_at_a_pysaml2_sp_logs_out_the_other_sp_and_answers_the_initiator(
        pysaml2_sp, onelogin_sp, browser, signed_in, svc, events):
    session = signed_in()
    sp_a, sp_b = pysaml2_sp(), onelogin_sp()
    answer_a, _ = sign_in_to_both(browser, sp_a, sp_b)

    # 1. The pysaml2 SP sends its signed LogoutRequest through the browser.
    requests_out = sp_a.client.global_logout(answer_a.name_id)
    (binding, http_args), = requests_out.values()
    assert binding == BINDING_HTTP_REDIRECT
    hop = browser.get(dict(http_args["headers"])["Location"], allow_redirects=False)
    assert svc.sessions.by_sid(session.sid) is None
    assert COOKIE_NAME in hop.headers.get("Set-Cookie", "")

    # 2. The IdP sends the browser to the python3-saml SP with a LogoutRequest...
    assert hop.status_code == 303 and hop.headers["Location"].startswith(sp_b.slo)
    at_b = sp_b.auth("/slo", get=query_of(hop.headers["Location"]))
    back = at_b.process_slo(keep_local_session=True)
    assert at_b.get_errors() == [], at_b.get_last_error_reason()

    # 3. ...whose LogoutResponse brings it back; the initiator gets the final answer.
    final = browser.get(back, allow_redirects=False)
    assert final.status_code == 303 and final.headers["Location"].startswith(sp_a.slo)
    response = sp_a.client.parse_logout_request_response(
        query_of(final.headers["Location"])["SAMLResponse"], BINDING_HTTP_REDIRECT)
    assert response.status_ok()
    assert any(e.client_id == sp_a.entity_id for e in events("logout"))


def test_logout_at_a_python3_saml_sp_ends_the_session_and_gets_a_signed_answer(
        onelogin_sp, browser, signed_in, svc):
    session = signed_in()
    sp_b = onelogin_sp()
    start = sp_b.auth("/login")
    _, fields = form_of(browser.get(start.login()))
    auth = sp_b.auth("/acs", post=fields)
    auth.process_response(request_id=start.get_last_request_id())
    url = sp_b.auth("/logout").logout(
        name_id=auth.get_nameid(), session_index=auth.get_session_index(),
        name_id_format=auth.get_nameid_format())
    hop = browser.get(url, allow_redirects=False)
    assert svc.sessions.by_sid(session.sid) is None
    assert hop.headers["Location"].startswith(sp_b.slo)
    done = sp_b.auth("/slo", get=query_of(hop.headers["Location"]))
    done.process_slo(keep_local_session=True)
    assert done.get_errors() == [], done.get_last_error_reason()


def test_an_unsigned_logout_request_is_refused_and_the_session_lives_on(
        pysaml2_sp, browser, signed_in, svc, events):
    session = signed_in()
    sp = pysaml2_sp()
    _, fields = form_of(browser.get(sp.login_url()))
    answer = sp.accept(fields["SAMLResponse"])
    sp.client.config.setattr("sp", "logout_requests_signed", False)
    (_, http_args), = sp.client.global_logout(answer.name_id, sign=False).values()
    hop = browser.get(dict(http_args["headers"])["Location"], allow_redirects=False)
    assert svc.sessions.by_sid(session.sid) is not None
    with pytest.raises(StatusRequestDenied):
        sp.client.parse_logout_request_response(
            query_of(hop.headers["Location"])["SAMLResponse"], BINDING_HTTP_REDIRECT)
    refused = events("logout")[-1]
    assert (refused.outcome, refused.client_id) == ("failure", sp.entity_id)


def test_logout_by_http_post_is_answered_by_http_post_with_a_signed_response(
        pysaml2_sp, browser, signed_in, svc):
    import base64
    import re

    from saml2 import BINDING_HTTP_POST

    session = signed_in()
    sp = pysaml2_sp()
    answer = sp.accept(form_of(browser.get(sp.login_url()))[1]["SAMLResponse"])
    # A new dict: pysaml2's default preferred_binding is shared by every config object.
    sp.client.config.preferred_binding = {**sp.client.config.preferred_binding,
                                          "single_logout_service": [BINDING_HTTP_POST]}
    (binding, http_args), = sp.client.global_logout(answer.name_id).values()
    assert binding == BINDING_HTTP_POST
    fields = dict(re.findall(r'name="(SAMLRequest|RelayState)" value="([^"]*)"',
                             http_args["data"]))
    action, reply = form_of(browser.post("/saml/slo", fields))
    assert action == sp.slo
    assert b"Signature" in base64.b64decode(reply["SAMLResponse"])
    response = sp.client.parse_logout_request_response(reply["SAMLResponse"], BINDING_HTTP_POST)
    assert response.status_ok()
    assert svc.sessions.by_sid(session.sid) is None


def test_a_logout_request_for_a_session_already_gone_is_answered_with_success(
        pysaml2_sp, browser, signed_in, svc):
    session = signed_in()
    sp = pysaml2_sp()
    answer = sp.accept(form_of(browser.get(sp.login_url()))[1]["SAMLResponse"])
    svc.sessions.end(sid=session.sid)
    (_, http_args), = sp.client.global_logout(answer.name_id).values()
    hop = browser.get(dict(http_args["headers"])["Location"])
    reply = sp.client.parse_logout_request_response(
        query_of(hop.headers["Location"])["SAMLResponse"], BINDING_HTTP_REDIRECT)
    assert reply.status_ok()


def test_an_sp_that_fails_its_part_of_the_logout_makes_the_answer_partial(
        pysaml2_sp, onelogin_sp, browser, signed_in, svc):
    import re

    from saml2.response import StatusError

    signed_in()
    sp_a, sp_b = pysaml2_sp(), onelogin_sp()
    answer_a, _ = sign_in_to_both(browser, sp_a, sp_b)
    (_, http_args), = sp_a.client.global_logout(answer_a.name_id).values()
    hop = browser.get(dict(http_args["headers"])["Location"], allow_redirects=False)
    at_b = sp_b.auth("/slo", get=query_of(hop.headers["Location"]))
    back = at_b.process_slo(keep_local_session=True)
    unsigned = re.sub(r"&(SigAlg|Signature)=[^&]*", "", back)  # the SP's answer, unsigned
    final = browser.get(unsigned, allow_redirects=False)
    with pytest.raises(StatusError) as refused:
        sp_a.client.parse_logout_request_response(
            query_of(final.headers["Location"])["SAMLResponse"], BINDING_HTTP_REDIRECT)
    assert "PartialLogout" in str(refused.value)
