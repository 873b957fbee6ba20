"""Legal persons online: a level-2 person registers the company the legal-entity register
names them representative of, invites an agent, the agent accepts and acts for the company at
an OIDC relying party; once revoked, the agent can act for it no more."""

from __future__ import annotations

import pytest

from clients.registry import register_client
from idp.accounts.service import find_legal_person
from idp.audit import SYSTEM_ACTOR
from idp.notify.outbox import OUTBOX_NAME, read_outbox
from idp.verification.models import AgentInvitation
from tests.oidc.oidc_helpers import REDIRECT, Pkce, Rp, authorize_params, query, redeem
from tests.real_name.conftest import new_credit_code, new_id_number

COMPANY = "杭州西湖示例科技有限公司"


@pytest.fixture
def boss(person, login):
    """Zhang, level 2 (verified), logged in, whom the register names as representative."""
    number = new_id_number()
    zhang = person("zhang", name="张三", id_number=number, level=2, phone="13900001111")
    login("zhang")
    return zhang, number


def invitations(svc) -> list[AgentInvitation]:
    """Every invitation, oldest first (a session closed at once: an open one would keep
    PostgreSQL's TRUNCATE between tests waiting)."""
    with svc.db.session() as session:
        return list(session.query(AgentInvitation).order_by(AgentInvitation.created_at))


def register_company(client, csrf, code: str, name: str = COMPANY):
    form = client.get("/account/entities/new")
    return client.post("/account/entities/new", data={
        "csrf_token": csrf(form), "credit_code": code, "name": name})


def test_the_representative_named_by_the_register_registers_the_company(
    client, svc, boss, entities, csrf, events
):
    code = new_credit_code()
    entities([(code, COMPANY, boss[1])])
    answer = register_company(client, csrf, code)
    assert answer.status_code == 303 and answer.headers["Location"] == f"/account/entities/{code}"
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert COMPANY in page and "法定代表人" in page and "邀请经办人" in page
    assert find_legal_person(svc, code).name == COMPANY
    assert events("entity.verify")[-1].outcome == "success"
    assert COMPANY in client.get("/account").get_data(as_text=True)


@pytest.mark.parametrize(("registered", "typed", "message"), [
    ("someone else", COMPANY, "法人库登记的法定代表人不是您"),
    ("me", "另一家公司", "未通过法人库核验"),
    (None, COMPANY, "未通过法人库核验"),
])
def test_registration_is_refused_unless_the_register_names_this_person_for_this_company(
    client, svc, boss, entities, csrf, registered, typed, message
):
    code = new_credit_code()
    if registered:
        entities([(code, COMPANY, boss[1] if registered == "me" else new_id_number())])
    answer = register_company(client, csrf, code, typed)
    assert answer.status_code == 400 and message in answer.get_data(as_text=True)
    assert find_legal_person(svc, code) is None


def test_a_level_1_person_is_sent_to_verify_first(client, person, login, csrf):
    person("lisi")
    login("lisi")
    page = client.get("/account/entities/new").get_data(as_text=True)
    assert "请先完成实名认证" in page and 'name="credit_code"' not in page
    refused = client.post("/account/entities/new", data={
        "csrf_token": csrf(client.get("/account")), "credit_code": new_credit_code(),
        "name": COMPANY})
    assert refused.status_code == 400 and "请先完成实名认证" in refused.get_data(as_text=True)


def test_someone_elses_company_page_is_not_found(client, boss):
    assert client.get(f"/account/entities/{new_credit_code()}").status_code == 404


def _authorize_as_agent(app, rp: Rp, pkce: Pkce, csrf, username: str,
                        scope: str = "openid profile legal_person"):
    """A browser logs in at the legal door through /authorize, picks the company if offered;
    returns (browser, the chooser page, the final redirect)."""
    browser = app.test_client()
    start = browser.get("/authorize", query_string=authorize_params(rp, pkce, scope=scope))
    form = browser.get(start.headers["Location"])
    login_id = query(start)["login"] if "login=" in start.headers["Location"] else None
    answer = browser.post("/login", data={
        "csrf_token": csrf(form), "username": username, "password": "correct horse battery",
        "door": "legal", **({"login": login_id} if login_id else {})})
    chooser = browser.get(answer.headers["Location"])
    return browser, chooser, login_id


def test_an_invited_agent_who_accepts_acts_for_the_company_until_revoked(
    backend, app, client, svc, boss, person, entities, csrf, events, settings
):
    code = new_credit_code()
    entities([(code, COMPANY, boss[1])])
    register_company(client, csrf, code)
    agent = person("wangwu", name="王五", id_number=new_id_number(), level=2, phone="13700002222")

    page = client.get(f"/account/entities/{code}")
    sent = client.post(f"/account/entities/{code}/invite", data={
        "csrf_token": csrf(page), "who": "13700002222", "valid_from": "", "valid_until": ""})
    assert "邀请已发出" in client.get(sent.headers["Location"]).get_data(as_text=True)
    invitation = invitations(svc)[0]
    assert invitation.person_id == agent.id and invitation.status == "pending"

    # The agent sees the invitation on their account page, and accepts it.
    browser = app.test_client()
    form = browser.get("/login")
    browser.post("/login", data={"csrf_token": csrf(form), "username": "wangwu",
                                 "password": "correct horse battery", "door": "person"})
    mine = browser.get("/account")
    assert "邀请您成为经办人" in mine.get_data(as_text=True) and COMPANY in mine.get_data(
        as_text=True)
    accepted = browser.post(f"/account/invitations/{invitation.id}", data={
        "csrf_token": csrf(mine), "decision": "accept"})
    assert "您已成为" in browser.get(accepted.headers["Location"]).get_data(as_text=True)
    assert "王五" in client.get(f"/account/entities/{code}").get_data(as_text=True)
    actions = [e.detail["action"] for e in events("authorisation.invitation")]
    assert actions == ["create", "accept"]
    assert events("authorisation.grant")[-1].detail["role"] == "agent"
    outbox = read_outbox(settings.data_dir / OUTBOX_NAME)
    assert [(m["phone"], m["kind"]) for m in outbox if m["kind"] != "new_device_login"] == [
        ("13700002222", "agent_invited"), ("13900001111", "agent_answered")]

    # At a relying party, the agent acts for the company: the legal_person claim.
    client_row, secret = register_client(svc, {
        "client_name": "企业开办", "redirect_uris": [REDIRECT], "first_party": True,
        "scope": "openid profile legal_person offline_access",
        "grant_types": ["authorization_code", "refresh_token"]}, SYSTEM_ACTOR)
    rp, pkce = Rp(client_row.client_id, secret), Pkce()
    browser, chooser, login_id = _authorize_as_agent(
        app, rp, pkce, csrf, "wangwu", scope="openid profile legal_person offline_access")
    assert COMPANY in chooser.get_data(as_text=True)
    grant = next(e for e in events("authorisation.grant") if e.account_id == agent.id)
    chosen = browser.post("/login/entity", data={
        "csrf_token": csrf(chooser), "authorisation": grant.detail["authorisation_id"],
        **({"login": login_id} if login_id else {})})
    done = browser.get(chosen.headers["Location"])
    tokens = redeem(browser, rp, query(done)["code"], pkce).json
    claims = svc.signing_keys.verify_jwt(tokens["id_token"], ["RS256"])
    userinfo = browser.get("/userinfo", headers={
        "Authorization": f"Bearer {tokens['access_token']}"}).json
    acting = {"name": COMPANY, "credit_code": code, "role": "agent"}
    assert userinfo["legal_person"] == acting and claims["sub"] == agent.id

    # The representative revokes: the live session acts for nobody, a new login offers nothing.
    page = client.get(f"/account/entities/{code}")
    revoked = client.post(f"/account/entities/{code}/revoke", data={
        "csrf_token": csrf(page), "username": "wangwu"})
    assert "已撤销" in client.get(revoked.headers["Location"]).get_data(as_text=True)
    # A refresh token granted while acting for the company gives no new token after it.
    refreshed = browser.post("/token", headers=rp.basic, data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 400 and refreshed.json["error"] == "invalid_grant"
    pkce_after = Pkce()
    again = browser.get("/authorize", query_string=authorize_params(
        rp, pkce_after, scope="openid legal_person"))
    tokens_after = redeem(browser, rp, query(again)["code"], pkce_after).json
    body = browser.get("/userinfo", headers={
        "Authorization": f"Bearer {tokens_after['access_token']}"}).json
    assert body["sub"] == agent.id and "legal_person" not in body
    _, chooser, _ = _authorize_as_agent(app, rp, Pkce(), csrf, "wangwu")
    assert COMPANY not in chooser.get_data(as_text=True)
    assert "没有有效的法人授权" in chooser.get_data(as_text=True)
    assert [m["kind"] for m in read_outbox(settings.data_dir / OUTBOX_NAME)
            if m["kind"] != "new_device_login"][-1] == "agent_revoked"


def test_invitations_are_refused_for_unknown_or_unverified_people_and_bad_dates(
    client, svc, boss, person, entities, csrf
):
    code = new_credit_code()
    entities([(code, COMPANY, boss[1])])
    register_company(client, csrf, code)
    person("unverified")  # level 1
    for who, start, end, message in [
        ("nobody", "", "", "没有该用户名或手机号的已实名个人账号"),
        ("unverified", "", "", "没有该用户名或手机号的已实名个人账号"),
        ("zhang", "", "", "没有该用户名或手机号的已实名个人账号"),  # oneself
    ]:
        page = client.get(f"/account/entities/{code}")
        client.post(f"/account/entities/{code}/invite", data={
            "csrf_token": csrf(page), "who": who, "valid_from": start, "valid_until": end})
        assert message in client.get(f"/account/entities/{code}").get_data(as_text=True)
    person("zhaoliu", id_number=new_id_number(), level=2)
    page = client.get(f"/account/entities/{code}")
    client.post(f"/account/entities/{code}/invite", data={
        "csrf_token": csrf(page), "who": "zhaoliu", "valid_from": "2030-01-02",
        "valid_until": "2030-01-01"})
    assert "授权有效期不正确" in client.get(f"/account/entities/{code}").get_data(as_text=True)
    assert invitations(svc) == []


def test_an_invitation_with_dates_grants_that_period_and_can_be_withdrawn_or_declined(
    backend, app, client, svc, boss, person, entities, csrf, login
):
    code = new_credit_code()
    entities([(code, COMPANY, boss[1])])
    register_company(client, csrf, code)
    person("zhaoliu", id_number=new_id_number(), level=2)
    page = client.get(f"/account/entities/{code}")
    client.post(f"/account/entities/{code}/invite", data={
        "csrf_token": csrf(page), "who": "zhaoliu", "valid_from": "2030-01-01",
        "valid_until": "2030-12-31"})
    page = client.get(f"/account/entities/{code}")
    assert "2030-01-01" in page.get_data(as_text=True)  # shown in China Standard Time
    invitation = invitations(svc)[0]
    client.post(f"/account/entities/{code}/withdraw", data={
        "csrf_token": csrf(page), "invitation": invitation.id})
    assert invitations(svc)[0].status == "withdrawn"

    client.post(f"/account/entities/{code}/invite", data={
        "csrf_token": csrf(page), "who": "zhaoliu"})
    second = next(i for i in invitations(svc) if i.status == "pending")
    other = app.test_client()
    login("zhaoliu", browser=other)
    mine = other.get("/account")
    other.post(f"/account/invitations/{second.id}", data={
        "csrf_token": csrf(mine), "decision": "decline"})
    assert next(i for i in invitations(svc) if i.id == second.id).status == "declined"
    # Nobody else may answer an invitation.
    forged = client.post(f"/account/invitations/{second.id}", data={
        "csrf_token": csrf(page), "decision": "accept"})
    assert "没有该邀请" in client.get(forged.headers["Location"]).get_data(as_text=True)


def test_idp_users_revoke_agent_also_stops_a_live_session_acting_for_the_company(
    client, svc, boss, person, entities, csrf, cli
):
    code = new_credit_code()
    entities([(code, COMPANY, boss[1])])
    register_company(client, csrf, code)
    agent = person("zhouqi", id_number=new_id_number(), level=2)
    from idp.accounts.service import grant_agent
    from idp.sso.acting import act_for, entities_for

    grant_agent(svc, SYSTEM_ACTOR, credit_code=code, username="zhouqi")
    token, session = svc.sessions.create(account_id=agent.id, username="zhouqi", level=2,
                                         amr=["pwd"])
    act_for(svc, token, session, entities_for(svc, agent.id)[0].authorisation_id,
            actor=SYSTEM_ACTOR)
    assert svc.sessions.load(token).acting_for["credit_code"] == code
    done = cli("users", "revoke-agent", "--credit-code", code.lower(), "--username", "zhouqi",
               "--json")
    assert done.exit_code == 0, done.output
    assert svc.sessions.load(token).acting_for is None


def test_a_lower_case_credit_code_finds_the_company_page(client, boss, entities, csrf):
    code = new_credit_code()
    entities([(code, COMPANY, boss[1])])
    register_company(client, csrf, code)
    assert client.get(f"/account/entities/{code.lower()}").status_code == 200
