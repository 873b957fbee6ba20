"""POST /login/sms, GET/POST /login/sms/code: SMS code login (短信验证码登录), two plain forms
(no JavaScript). The work is in ``idp.authn.sms_login``."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for

from idp.authn.lockout import Refusal
from idp.authn.one_time_codes import CodeCheck
from idp.authn.pending import PendingLogin, save_pending
from idp.authn.sms_login import AMR, begin_sms_login, check_sms_login, load_sms_login
from idp.notify import mask_phone
from idp.services import services
from idp.sso.first_factors import FirstFactor
from idp.sso.policy import allowed_first_factors
from idp.web.auth.blueprints import bp
from idp.web.auth.login_flow import (
    actor,
    door_of,
    finish_login,
    flash_lockout_notice,
    login_request,
    note_first_factor,
    refusal_message,
    see_other,
)
from idp.web.auth.login_methods import refused
from idp.web.auth.signup_messages import code_message
from idp.web.auth.signup_messages import refusal_message as send_refusal_message
from idp.web.i18n import t

FLOW = "sms_login"  # the Flask session's key for the flow id


def _back(login_id: str | None, door: str):
    return see_other(url_for("auth.login_form", login=login_id, door=door, method="sms"))


@bp.post("/login/sms")
def sms_login_submit():
    request_ = login_request(request.form.get("login"))
    login_id = request_.id if request_ else None
    door = door_of(request.form.get("door"), request_)
    if refused(request_, FirstFactor.SMS):
        return see_other(url_for("auth.login_form", login=login_id, door=door))
    flow, refusal = begin_sms_login(services(), actor(), request.form.get("phone", "")[:20],
                                    login_id=login_id)
    if flow is None:
        flash(t("请输入11位手机号。", "Enter an 11-digit mobile number."), "error")
        return _back(login_id, door)
    if refusal is not None:
        flash(send_refusal_message(refusal), "error")
        return _back(login_id, door)
    session[FLOW] = flow.id
    session["sms_login_door"] = door
    return see_other(url_for("auth.sms_login_code"))


@bp.get("/login/sms/code")
def sms_login_code():
    flow = load_sms_login(services(), session.get(FLOW))
    if flow is None:
        return redirect(url_for("auth.login_form", method="sms"))
    request_ = login_request(flow.login_id)
    return render_template(
        "auth/login_sms_code.html", phone=mask_phone(flow.phone),
        login_id=flow.login_id, door=session.get("sms_login_door", "person"),
        client_name=request_.client_name if request_ else None,
        password_allowed=FirstFactor.PASSWORD in allowed_first_factors(request_))


@bp.post("/login/sms/code")
def sms_login_code_submit():
    svc = services()
    flow = load_sms_login(svc, session.get(FLOW))
    door = door_of(session.get("sms_login_door"))
    if flow is None:
        flash(t("验证码已失效，请重新获取。", "The code is no longer valid: ask for a new one."),
              "error")
        return _back(None, door)
    request_ = login_request(flow.login_id)
    if refused(request_, FirstFactor.SMS):
        return see_other(url_for("auth.login_form", login=flow.login_id, door=door))
    result = check_sms_login(svc, actor(), flow, request.form.get("code", "")[:16], door=door,
                             client_id=request_.client_id if request_ else None)
    if result.refusal is not None:
        flash(refusal_message(result.refusal, result.until), "error")
        if result.refusal == Refusal.LOCKED:
            session.pop(FLOW, None)
            return _back(flow.login_id, door)
        return see_other(url_for("auth.sms_login_code"))
    if result.account_id is None:
        flash(code_message(result.code or CodeCheck.VOID), "error")
        if result.code is CodeCheck.WRONG:
            return see_other(url_for("auth.sms_login_code"))
        session.pop(FLOW, None)
        return _back(flow.login_id, door)
    session.pop(FLOW, None)
    flash_lockout_notice(result.locked_at)
    pending = PendingLogin(result.account_id, result.username or "", result.person_level, door,
                           flow.login_id, second_factor=result.second_factor)
    if pending.second_factor:
        # An authenticator app is enrolled: a phone alone does not open a two-factor account.
        session["pending"] = save_pending(svc.store, pending)
        note_first_factor(pending, AMR)
        return see_other(url_for("auth.second_factor"))
    return finish_login(pending, [AMR])
