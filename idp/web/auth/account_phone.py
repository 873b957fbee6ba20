"""GET/POST /account/phone: change the phone number (password, then a code to the new one)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from idp.authn.one_time_codes import CodeCheck
from idp.authn.phone_change import (
    PhoneChangeRefused,
    begin_phone_change,
    finish_phone_change,
    pending_phone,
)
from idp.notify import mask_phone
from idp.services import services
from idp.web.auth.blueprints import account_bp
from idp.web.auth.login_flow import actor, see_other
from idp.web.i18n import t
from idp.web.sso_cookie import current_session

REFUSALS = {
    "wrong_password": ("密码不正确。", "Wrong password."),
    "invalid_phone": ("请输入11位手机号。", "Enter an 11-digit mobile number."),
    "same_phone": ("这已是您绑定的手机号。", "That is already your phone number."),
    "phone_taken": ("该手机号已绑定其他账号，不能再绑定。",
                    "That number already belongs to another account."),
}
BUSY = ("短信发送过于频繁或暂不可用，请稍后再试。",
        "Too many messages, or SMS is unavailable: try again later.")


@account_bp.get("/account/phone")
def phone_form():
    current = current_session()
    if current is None:
        return redirect(url_for("auth.login_form"))
    waiting = pending_phone(services(), current[1].sid)
    return render_template("auth/account_phone.html", username=current[1].username,
                           waiting=mask_phone(waiting) if waiting else None)


@account_bp.post("/account/phone")
def phone_submit():
    current = current_session()
    if current is None:
        return see_other(url_for("auth.login_form"))
    try:
        begin_phone_change(services(), actor(), account_id=current[1].account_id,
                           sid=current[1].sid, password=request.form.get("password", ""),
                           phone=request.form.get("phone", "")[:20])
    except PhoneChangeRefused as refused:
        flash(t(*REFUSALS.get(refused.reason, BUSY)), "error")
    return see_other(url_for("account.phone_form"))


@account_bp.post("/account/phone/code")
def phone_code():
    current = current_session()
    if current is None:
        return see_other(url_for("auth.login_form"))
    try:
        result = finish_phone_change(services(), actor(), account_id=current[1].account_id,
                                     sid=current[1].sid, code=request.form.get("code", "")[:16])
    except PhoneChangeRefused as refused:
        flash(t(*REFUSALS[refused.reason]), "error")
        return see_other(url_for("account.phone_form"))
    if result is CodeCheck.OK:
        flash(t("手机号已更换。", "Your phone number is changed."), "success")
        return see_other(url_for("account.overview"))
    flash(t("验证码不正确。", "That code is not right.") if result is CodeCheck.WRONG else
          t("验证码已失效，请重新获取。", "The code is no longer valid: ask for a new one."),
          "error")
    return see_other(url_for("account.phone_form"))
