"""The 法人办事 door: after the password, pick the organisation to act for."""

from __future__ import annotations

from datetime import timedelta

from idp.accounts import service
from idp.accounts.models import Authorisation
from idp.audit import SYSTEM_ACTOR
from idp.db import utcnow
from idp.sso.login_request import LoginRequest, save_login_request


def test_the_legal_door_offers_only_valid_authorisations_and_puts_the_choice_in_the_session(
    backend, client, person, organisation, login, svc, sso_token, events, csrf
):
    alice = person("alice")
    person("bob")
    acme = organisation("杭州示例科技有限公司", "alice")
    gone = organisation("已过期授权有限公司", "bob")
    service.grant_agent(svc, SYSTEM_ACTOR, credit_code=gone.credit_code, username="alice")
    with svc.db.begin() as session:  # that agent authorisation has since expired
        grant = session.query(Authorisation).filter_by(
            person_id=alice.id, legal_person_id=gone.id).one()
        grant.valid_from = utcnow() - timedelta(days=30)
        grant.valid_until = utcnow() - timedelta(days=1)
    request = LoginRequest(return_to="/saml/resume?r=1", protocol="saml", door="legal",
                           client_name="企业开办平台")
    save_login_request(svc.store, request)

    answer = login("alice", door="legal", login_id=request.id)
    assert answer.status_code == 303 and "/login/entity" in answer.headers["Location"]
    chooser = client.get(answer.headers["Location"])
    page = chooser.get_data(as_text=True)
    assert "杭州示例科技有限公司" in page and acme.credit_code in page
    assert "已过期授权有限公司" not in page
    with svc.db.session() as session:
        grant_id = session.query(Authorisation).filter_by(
            person_id=alice.id, legal_person_id=acme.id).one().id
    chosen = client.post("/login/entity", data={
        "csrf_token": csrf(chooser), "authorisation": grant_id, "login": request.id})
    assert chosen.status_code == 303 and chosen.headers["Location"] == "/saml/resume?r=1"
    acting = svc.sessions.load(sso_token()).acting_for
    assert acting == {"id": acme.id, "name": "杭州示例科技有限公司",
                      "credit_code": acme.credit_code, "role": "representative"}
    assert events("session.act_as")[-1].detail["legal_person_id"] == acme.id
    assert "杭州示例科技有限公司" in client.get("/account").get_data(as_text=True)


def test_a_forged_choice_of_an_organisation_is_refused(
    backend, client, person, organisation, login, svc, sso_token, csrf
):
    person("alice")
    person("bob")
    organisation("别人的公司", "bob")
    login("alice", door="legal")
    with svc.db.session() as session:
        bobs = session.query(Authorisation).one().id
    refused = client.post("/login/entity", data={"csrf_token": csrf(client.get("/account")),
                                                 "authorisation": bobs})
    assert "/login/entity" in refused.headers["Location"]
    assert svc.sessions.load(sso_token()).acting_for is None


def test_a_person_without_authorisations_is_told_so_clearly(backend, client, person, login):
    person("alice")
    answer = login("alice", door="legal")
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "没有有效的法人授权" in page
    assert "以个人身份继续" in page


def test_the_person_door_acts_for_nobody_again(
    client, person, organisation, login, svc, sso_token, csrf
):
    person("alice")
    organisation("杭州示例科技有限公司", "alice")
    chooser = client.get(login("alice", door="legal").headers["Location"])
    with svc.db.session() as session:
        grant = session.query(Authorisation).one().id
    client.post("/login/entity", data={"csrf_token": csrf(chooser), "authorisation": grant})
    assert svc.sessions.load(sso_token()).acting_for is not None
    login("alice", door="person")
    assert svc.sessions.load(sso_token()).acting_for is None
