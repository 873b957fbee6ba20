"""TOTP: enrolment from the account page, the second step at login, replay, recovery codes."""

from __future__ import annotations

import pyotp

from idp.audit import SYSTEM_ACTOR, AuditEvent
from idp.authn.models import TotpCredential
from idp.authn.totp import begin_enrolment, confirm_enrolment, verify_totp
from idp.sso.login_request import LoginRequest, save_login_request
from idp.sso.session import COOKIE_NAME


def _events(svc, kind):
    with svc.db.session() as session:
        return session.query(AuditEvent).filter_by(type=kind).order_by(AuditEvent.id).all()


def test_enrolment_shows_a_qr_code_and_the_secret_and_needs_a_confirmation_code(
    backend, client, alice, login, csrf, svc
):
    login()
    page = client.get("/account/mfa/totp")
    html = page.get_data(as_text=True)
    assert "<svg" in html and 'class="qr"' in html  # inline: no image request
    assert "http" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", "")
    wrong = client.post("/account/mfa/totp", data={"csrf_token": csrf(page), "code": "000000"})
    assert "/account/mfa/totp" in wrong.headers["Location"]
    with svc.db.session() as session:
        assert session.get(TotpCredential, alice.id) is None


def test_an_enrolled_person_gives_ten_recovery_codes_once_and_the_secret_is_sealed(
    backend, client, alice, login, enrol, svc
):
    login()
    secret, codes = enrol()
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/account/mfa/codes").status_code == 302  # shown only once
    with svc.db.session() as session:
        sealed = session.get(TotpCredential, alice.id).secret_sealed
    assert secret not in sealed and sealed.startswith("v1.")
    assert [e.type for e in _events(svc, "mfa.enrol")] == ["mfa.enrol"]
    assert _events(svc, "mfa.recovery_codes")[0].detail == {"count": 10}
    session = svc.sessions.load(client.get_cookie(COOKIE_NAME).value)
    assert session.level == 3 and "otp" in session.amr  # the code just proved the factor


def test_an_enrolled_person_must_give_a_code_and_then_reaches_level_3(
    backend, client, alice, login, enrol, code, csrf, svc
):
    login()
    secret, _ = enrol()
    client.post("/logout", data={"csrf_token": csrf(client.get("/account"))})
    answer = login()
    assert answer.headers["Location"].endswith("/login/otp")
    assert client.get_cookie(COOKIE_NAME) is None  # no session before the second factor
    step = client.get("/login/otp")
    done = client.post("/login/otp", data={"csrf_token": csrf(step), "code": code(secret, 1)})
    assert done.status_code == 303 and done.headers["Location"].endswith("/account")
    session = svc.sessions.load(client.get_cookie(COOKIE_NAME).value)
    assert (session.level, session.amr) == (3, ["pwd", "otp"])
    assert _events(svc, "login.mfa")[-1].detail["method"] == "totp"


def test_a_code_is_refused_the_second_time(backend, client, alice, login, enrol, code, csrf, svc):
    login()
    secret, _ = enrol()
    reused = code(secret, 0)  # already spent by the enrolment
    client.post("/logout", data={"csrf_token": csrf(client.get("/account"))})
    login()
    step = client.get("/login/otp")
    refused = client.post("/login/otp", data={"csrf_token": csrf(step), "code": reused})
    assert refused.headers["Location"].endswith("/login/otp")
    assert "验证码错误或已使用" in client.get("/login/otp").get_data(as_text=True)
    assert client.get_cookie(COOKIE_NAME) is None
    assert _events(svc, "login.mfa")[-1].outcome == "failure"


def test_a_recovery_code_works_once(backend, client, alice, login, enrol, csrf, svc):
    login()
    _, codes = enrol()
    for expected in ("/account", "/login/otp"):
        client.post("/logout", data={"csrf_token": csrf(client.get("/account"))})
        client.delete_cookie(COOKIE_NAME)
        login()
        step = client.get("/login/otp")
        answer = client.post("/login/otp", data={"csrf_token": csrf(step),
                                                 "code": codes[3].upper()})
        assert answer.headers["Location"].endswith(expected)
    assert [e.outcome for e in _events(svc, "login.mfa")] == ["success", "failure"]


def test_removing_the_authenticator_needs_a_current_code(
    client, alice, login, enrol, code, csrf, svc
):
    login()
    secret, _ = enrol()
    page = client.get("/account")
    client.post("/account/mfa/totp/remove", data={"csrf_token": csrf(page), "code": "123456"})
    with svc.db.session() as session:
        assert session.get(TotpCredential, alice.id) is not None
    client.post("/account/mfa/totp/remove", data={"csrf_token": csrf(page),
                                                  "code": code(secret, 1)})
    with svc.db.session() as session:
        assert session.get(TotpCredential, alice.id) is None
    assert [e.outcome for e in _events(svc, "mfa.remove")] == ["failure", "success"]
    client.post("/logout", data={"csrf_token": csrf(client.get("/account"))})
    assert login().headers["Location"].endswith("/account")  # no second step any more


def test_wrong_codes_count_towards_the_lockout(client, alice, login, enrol, csrf, svc):
    login()
    enrol()
    client.post("/logout", data={"csrf_token": csrf(client.get("/account"))})
    login()
    for _ in range(svc.settings.lockout_free_failures + 1):
        step = client.get("/login/otp")
        client.post("/login/otp", data={"csrf_token": csrf(step), "code": "000000"})
    step = client.get("/login/otp")  # now even a right code would wait
    client.post("/login/otp", data={"csrf_token": csrf(step), "code": "000000"})
    assert "请稍候片刻再试" in client.get("/login/otp").get_data(as_text=True)


def test_a_site_needing_level_3_forces_the_second_step_or_explains_how_to_get_one(
    client, alice, login, enrol, code, csrf, svc
):
    request = LoginRequest(return_to="/resume", protocol="oidc", min_level=3,
                           client_name="社保服务")
    save_login_request(svc.store, request)
    answer = login(login_id=request.id)
    assert "/login/level" in answer.headers["Location"]
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "社保服务" in page and "绑定验证器" in page
    secret, _ = enrol()  # the link on that page; the confirmation raises the session to L3
    session = svc.sessions.load(client.get_cookie(COOKIE_NAME).value)
    assert session.level == 3
    # A later session at level 2 asked for level 3 steps up with the code only.
    session.level, session.amr = 2, ["pwd"]
    svc.sessions.update(client.get_cookie(COOKIE_NAME).value, session)
    step_up = client.get(f"/login?login={request.id}")
    assert step_up.headers["Location"].endswith("/login/otp")
    done = client.post("/login/otp", data={"csrf_token": csrf(client.get("/login/otp")),
                                           "code": code(secret, 1)})
    assert done.headers["Location"] == "/resume"


def test_the_service_refuses_a_replayed_code_within_its_window(svc, alice):
    now = 1_900_000_000
    enrolment = begin_enrolment(svc, alice.id, "alice")
    totp = pyotp.TOTP(enrolment.secret)
    assert confirm_enrolment(svc, alice.id, totp.at(now), SYSTEM_ACTOR, now=now) is not None
    assert verify_totp(svc, alice.id, totp.at(now + 30), now=now) is True
    assert verify_totp(svc, alice.id, totp.at(now + 30), now=now + 30) is False  # replay
    assert verify_totp(svc, alice.id, totp.at(now - 30), now=now) is True  # an unused step
    assert verify_totp(svc, alice.id, totp.at(now + 60), now=now) is False  # outside window
