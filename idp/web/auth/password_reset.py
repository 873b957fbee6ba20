"""GET/POST /login/forgot: a new password with a code sent to the account's phone."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for

from idp.accounts.errors import AccountError
from idp.authn.one_time_codes import CodeCheck
from idp.authn.password_reset import begin_reset, finish_reset, load_reset
from idp.services import services
from idp.web.auth.blueprints import bp
from idp.web.auth.login_flow import actor, see_other
from idp.web.i18n import t


@bp.get("/login/forgot")
def forgot_form():
    return render_template("auth/password_forgot.html")


@bp.post("/login/forgot")
def forgot_submit():
    flow, _ = begin_reset(services(), actor(), request.form.get("username", "")[:128],
                          request.form.get("phone", "")[:20])
    if flow is None:
        flash(t("请输入11位手机号。", "Enter an 11-digit mobile number."), "error")
        return see_other(url_for("auth.forgot_form"))
    session["pw_reset"] = flow.id
    # The same words whether or not they matched: the page never tells who has an account.
    flash(t("如果用户名与手机号匹配，验证码已发送到该手机。",
            "If the username and phone belong together, a code was sent to that phone."),
          "success")
    return see_other(url_for("auth.forgot_code"))


@bp.get("/login/forgot/code")
def forgot_code():
    if load_reset(services(), session.get("pw_reset")) is None:
        return redirect(url_for("auth.forgot_form"))
    return render_template("auth/password_reset.html")


@bp.post("/login/forgot/code")
def forgot_code_submit():
    flow = load_reset(services(), session.get("pw_reset"))
    if flow is None:
        return see_other(url_for("auth.forgot_form"))
    password = request.form.get("password", "")[:1024]
    if password != request.form.get("confirm", "")[:1024]:
        flash(t("两次输入的新密码不一致。", "The two new passwords are not the same."), "error")
        return see_other(url_for("auth.forgot_code"))
    try:
        result = finish_reset(services(), actor(), flow, request.form.get("code", "")[:16],
                              password)
    except AccountError as error:
        flash(error.description, "error")
        return see_other(url_for("auth.forgot_code"))
    if result is CodeCheck.OK:
        session.pop("pw_reset", None)
        flash(t("密码已重置，请用新密码登录。", "Your password is reset: log in with it."),
              "success")
        return see_other(url_for("auth.login_form"))
    if result is CodeCheck.VOID:
        flash(t("验证码已失效，请重新获取。", "The code is no longer valid: ask for a new one."),
              "error")
        return see_other(url_for("auth.forgot_form"))
    flash(t("验证码不正确。", "That code is not right."), "error")
    return see_other(url_for("auth.forgot_code"))
