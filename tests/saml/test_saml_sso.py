"""Web SSO with real service providers: pysaml2 and OneLogin python3-saml."""

from __future__ import annotations

from saml_helpers import form_of

ID_CARD = "schacPersonalUniqueID"  # pysaml2's name for urn:oid:1.3.6.1.4.1.25178.1.2.15
LEVEL = "urn:yiwang:attribute:assurance_level"


def test_pysaml2_sp_logs_in_through_the_login_page_and_reads_the_attributes(
        pysaml2_sp, browser, person, events):
    person("alice", level=2)
    sp = pysaml2_sp()
    page = browser.get(sp.login_url())
    assert "/login?login=" in page.url
    action, fields = form_of(browser.login(page))
    assert action == sp.acs
    answer = sp.accept(fields["SAMLResponse"])
    assert answer.ava["displayName"] == ["张三"]
    assert answer.ava["telephoneNumber"] == ["13812345678"]
    assert answer.ava["uid"] == ["alice"]
    assert answer.assertion.authn_statement[0].session_index
    assert events("saml.assertion")[-1].client_id == sp.entity_id


def test_python3_saml_sp_completes_sso_and_reads_attributes_by_friendly_name(
        onelogin_sp, browser, signed_in):
    session = signed_in("bob", level=2)
    sp = onelogin_sp()
    start = sp.auth("/login")
    action, fields = form_of(browser.get(start.login()))
    assert action == sp.acs
    acs = sp.auth("/acs", post=fields)
    acs.process_response(request_id=start.get_last_request_id())
    assert acs.get_errors() == [], acs.get_last_error_reason()
    assert acs.is_authenticated()
    assert acs.get_friendlyname_attributes()["name"] == ["张三"]
    assert acs.get_friendlyname_attributes()["assurance_level"] == ["2"]
    assert acs.get_session_index() == session.sid
    assert acs.get_nameid_format().endswith(":persistent")


def test_pysaml2_sp_sends_its_request_by_http_post_and_gets_a_signed_response(
        pysaml2_sp, browser, signed_in, idp):
    signed_in()
    sp = pysaml2_sp(want_response_signed=True, policy={"sign_response": True})
    fields = sp.login_post(idp[1] + "/saml/sso")
    action, answer = form_of(browser.post("/saml/sso", fields))
    response = sp.accept(answer["SAMLResponse"])
    assert response.response.signature is not None
    assert response.ava["displayName"] == ["张三"]


def test_assertions_are_encrypted_for_sps_whose_metadata_has_an_encryption_key(
        pysaml2_sp, onelogin_sp, browser, signed_in):
    import base64

    signed_in()
    sp = pysaml2_sp(encrypt=True)
    _, fields = form_of(browser.get(sp.login_url()))
    xml = base64.b64decode(fields["SAMLResponse"])
    assert b"EncryptedAssertion" in xml and b"aes128-gcm" in xml and "张三".encode() not in xml
    assert sp.accept(fields["SAMLResponse"]).ava["displayName"] == ["张三"]

    other = onelogin_sp(want_encrypted=True)
    start = other.auth("/login")
    _, fields = form_of(browser.get(start.login()))
    acs = other.auth("/acs", post=fields)
    acs.process_response(request_id=start.get_last_request_id())
    assert acs.get_errors() == [], acs.get_last_error_reason()
    assert acs.get_friendlyname_attributes()["name"] == ["张三"]


def test_each_sp_gets_its_own_persistent_nameid_never_the_id_number(
        pysaml2_sp, browser, signed_in):
    signed_in()
    first, second = pysaml2_sp("http://sp-a.test"), pysaml2_sp("http://sp-c.test")
    ids = []
    for sp in (first, second, first):
        _, fields = form_of(browser.get(sp.login_url()))
        ids.append(sp.accept(fields["SAMLResponse"]).name_id.text)
    assert ids[0] == ids[2] and ids[0] != ids[1]
    assert not any(nid.startswith("110105") for nid in ids)


def test_a_transient_nameid_is_issued_when_the_sp_asks_for_one(pysaml2_sp, browser, signed_in):
    signed_in()
    sp = pysaml2_sp()
    transient = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
    _, fields = form_of(browser.get(sp.login_url(nameid_format=transient)))
    assert sp.accept(fields["SAMLResponse"]).name_id.format == transient


def test_the_id_card_is_released_only_to_sps_whose_policy_allows_it(
        pysaml2_sp, browser, signed_in):
    signed_in()
    allowed = pysaml2_sp("http://sp-a.test")
    limited = pysaml2_sp("http://sp-c.test", policy={"allowed_attributes": ["name"]})
    _, fields = form_of(browser.get(allowed.login_url()))
    ava = allowed.accept(fields["SAMLResponse"]).ava
    assert ava[ID_CARD][0].startswith("110105")
    _, fields = form_of(browser.get(limited.login_url()))
    ava = limited.accept(fields["SAMLResponse"]).ava
    assert set(ava) == {"displayName", LEVEL}


def test_idp_initiated_sso_posts_an_unsolicited_response_to_the_default_acs(
        pysaml2_sp, browser, signed_in):
    signed_in()
    sp = pysaml2_sp()
    action, fields = form_of(browser.get(f"/saml/idp-initiated?sp={sp.entity_id}&RelayState=x"))
    assert action == sp.acs and fields["RelayState"] == "x"
    assert sp.accept(fields["SAMLResponse"]).ava["displayName"] == ["张三"]


def test_the_post_form_works_without_javascript(pysaml2_sp, browser, signed_in):
    signed_in()
    page = browser.get(pysaml2_sp().login_url())
    assert '<button type="submit">' in page.text


def test_refusals_and_assertions_are_audited_with_the_sps_entity_id(
        pysaml2_sp, browser, signed_in, events):
    signed_in()
    sp = pysaml2_sp()
    form_of(browser.get(sp.login_url()))
    form_of(browser.get(sp.login_url(is_passive="true", force_authn="true")))
    outcomes = [(e.outcome, e.client_id) for e in events("saml.assertion")]
    assert outcomes == [("success", sp.entity_id), ("failure", sp.entity_id)]
    assert events("saml.assertion")[-1].detail["reason"] == "NoPassive"


def test_the_acs_may_be_chosen_by_index(pysaml2_sp, browser, signed_in, svc):
    from clients.saml.registry import get_sp

    signed_in()
    sp = pysaml2_sp()
    index = str(get_sp(svc, sp.entity_id).acs[0]["index"])
    action, fields = form_of(browser.get(sp.login_url(assertion_consumer_service_index=index)))
    assert action == sp.acs and sp.accept(fields["SAMLResponse"]).ava


def test_an_expired_login_hand_off_gets_an_error_page(browser):
    page = browser.get("/saml/resume?req=not-a-pending-request")
    assert page.status_code == 400 and "expired" in page.text


def test_idp_initiated_sso_to_an_unknown_sp_gets_an_error_page(browser, signed_in):
    signed_in()
    page = browser.get("/saml/idp-initiated?sp=http://stranger.test/metadata")
    assert page.status_code == 400 and 'id="saml-post"' not in page.text
