"""/register (注册): a person makes their own level-1 account (phone, SMS code, username and
password, the privacy notice), then is logged in and returned to the relying party that sent
them. (RFC 7591 client registration is ``/connect/register``.)

The work is in ``idp.authn.signup``; the browser holds only the flow's id in its session.
"""

from __future__ import annotations

from flask import flash, render_template, request, session, url_for

from idp.accounts.errors import AccountError
from idp.accounts.privacy_notice import VERSION as PRIVACY_NOTICE_VERSION
from idp.authn import signup
from idp.authn.one_time_codes import CodeCheck
from idp.authn.pending import PendingLogin
from idp.notify import mask_phone
from idp.services import services
from idp.web.auth.blueprints import bp
from idp.web.auth.login_flow import actor, door_of, finish_login, login_request, see_other
from idp.web.auth.signup_messages import code_message, refusal_message
from idp.web.i18n import t


def _flow(verified: bool = False):
    flow = signup.load_flow(services(), session.get("signup"))
    if flow is None or (verified and flow.verified_at is None):
        return None
    return flow


def _timed_out():
    flash(t("注册已超时，请重新开始。", "The sign-up timed out; please start again."), "error")
    return see_other(url_for("auth.signup_form"))


@bp.get("/register")
def signup_form():
    request_ = login_request(request.args.get("login"))
    return render_template(
        "auth/signup_phone.html", login_id=request_.id if request_ else None,
        door=door_of(request.args.get("door"), request_),
        client_name=request_.client_name if request_ else None)


@bp.post("/register")
def signup_phone():
    request_ = login_request(request.form.get("login"))
    door = door_of(request.form.get("door"), request_)
    login_id = request_.id if request_ else None
    back = url_for("auth.signup_form", login=login_id, door=door)
    try:
        flow, refusal = signup.start(services(), actor(), request.form.get("phone", "")[:32],
                                     door=door, login_id=login_id)
    except AccountError as error:
        flash(error.description, "error")
        return see_other(back)
    if flow is None:
        flash(refusal_message(refusal), "error")
        return see_other(back)
    session["signup"] = flow.id
    flash(t("验证码已发送，请查收短信。", "A code was sent to your phone."), "success")
    return see_other(url_for("auth.signup_code"))


@bp.get("/register/code")
def signup_code():
    flow = _flow()
    if flow is None:
        return _timed_out()
    return render_template("auth/signup_code.html",
                           phone=mask_phone(signup.phone_of(services(), flow)))


@bp.post("/register/code")
def signup_code_submit():
    flow = _flow()
    if flow is None:
        return _timed_out()
    svc = services()
    if "resend" in request.form:
        refusal = signup.resend(svc, actor(), flow)
        flash(refusal_message(refusal) if refusal else
              t("验证码已重新发送。", "A new code was sent."), "error" if refusal else "success")
        return see_other(url_for("auth.signup_code"))
    result = signup.prove_phone(svc, actor(), flow, request.form.get("code", "")[:16])
    if result is not CodeCheck.OK:
        flash(code_message(result), "error")
        return see_other(url_for("auth.signup_code"))
    return see_other(url_for("auth.signup_account"))


@bp.get("/register/account")
def signup_account():
    flow = _flow(verified=True)
    if flow is None:
        return _timed_out()
    return render_template(
        "auth/signup_account.html", phone=mask_phone(signup.phone_of(services(), flow)),
        username=session.get("signup_username", ""), notice_version=PRIVACY_NOTICE_VERSION)


@bp.post("/register/account")
def signup_account_submit():
    flow = _flow(verified=True)
    if flow is None:
        return _timed_out()
    username = request.form.get("username", "")[:128].strip()
    password = request.form.get("password", "")[:1024]
    session["signup_username"] = username
    back = url_for("auth.signup_account")
    if password != request.form.get("confirm", "")[:1024]:
        flash(t("两次输入的密码不一致。", "The two passwords are not the same."), "error")
        return see_other(back)
    request_ = login_request(flow.login_id)
    try:
        person = signup.finish(
            services(), actor(), flow, username=username, password=password,
            privacy_notice_version=request.form.get("privacy_notice", "")[:32],
            client_id=request_.client_id if request_ else None)
    except AccountError as error:
        flash(error.description, "error")
        return see_other(back)
    if person is None:
        return _timed_out()
    for key in ("signup", "signup_username"):
        session.pop(key, None)
    flash(t("注册成功，欢迎使用。", "Your account is ready. Welcome."), "success")
    return finish_login(PendingLogin(person.id, person.username, person.assurance_level,
                                     flow.door, flow.login_id), ["sms", "pwd"],
                        new_account=True)


@bp.get("/register/privacy")
def privacy_notice():
    return render_template("auth/privacy_notice.html", notice_version=PRIVACY_NOTICE_VERSION)


