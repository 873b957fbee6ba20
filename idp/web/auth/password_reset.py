"""/login/forgot (and /recover): a new password after a code sent to the account's phone and,
when the account has a second factor, the authenticator's code, one of its passkeys (the
options and the assertion: /login/forgot/passkey/options, /login/forgot/passkey) or a
recovery code."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, session, url_for

from idp.accounts.errors import AccountError
from idp.authn.lockout import Refusal
from idp.authn.one_time_codes import CodeCheck
from idp.authn.passkeys.assertion import has_passkeys
from idp.authn.password_reset import (
    ResetFlow,
    Stage,
    begin_reset,
    check_reset_code,
    check_reset_passkey,
    check_reset_second_factor,
    finish_reset,
    load_reset,
    reset_passkey_options,
)
from idp.authn.recovery import remaining_recovery_codes
from idp.authn.totp import is_enrolled
from idp.services import services
from idp.web.auth.blueprints import bp
from idp.web.auth.login_flow import actor, refusal_message, see_other
from idp.web.i18n import t

_STEP = {Stage.CODE: "auth.forgot_code", Stage.SECOND_FACTOR: "auth.forgot_second_factor",
         Stage.PASSWORD: "auth.forgot_password"}
_PAGE = {Stage.CODE: "auth/password_reset.html",
         Stage.SECOND_FACTOR: "auth/password_reset_otp.html",
         Stage.PASSWORD: "auth/password_reset_new.html"}


@bp.get("/recover")
def recover():
    """The issue's name for the page (issue 12): the same first step."""
    return redirect(url_for("auth.forgot_form"), 308)


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


@bp.get("/login/forgot/code", endpoint="forgot_code")
@bp.get("/login/forgot/otp", endpoint="forgot_second_factor")
@bp.get("/login/forgot/password", endpoint="forgot_password")
def forgot_step():
    """Each step's page; a browser at the wrong step is sent to its own."""
    flow = load_reset(services(), session.get("pw_reset"))
    if flow is None:
        return redirect(url_for("auth.forgot_form"))
    if request.endpoint != _STEP[flow.stage]:
        return redirect(url_for(_STEP[flow.stage]))
    if flow.stage != Stage.SECOND_FACTOR:
        return render_template(_PAGE[flow.stage])
    svc = services()
    totp = is_enrolled(svc, flow.account_id)
    return render_template(_PAGE[flow.stage], totp=totp,
                           passkeys=has_passkeys(svc, flow.account_id),
                           codes=totp or remaining_recovery_codes(svc, flow.account_id) > 0)


@bp.post("/login/forgot/code")
def forgot_code_submit():
    flow = _flow(Stage.CODE)
    if flow is None:
        return see_other(url_for("auth.forgot_form"))
    result, flow = check_reset_code(services(), actor(), flow,
                                    request.form.get("code", "")[:16])
    if result is CodeCheck.VOID:
        flash(t("验证码已失效，请重新获取。", "The code is no longer valid: ask for a new one."),
              "error")
        return see_other(url_for("auth.forgot_form"))
    if result is CodeCheck.WRONG:
        flash(t("验证码不正确。", "That code is not right."), "error")
    return see_other(url_for(_STEP[flow.stage]))


@bp.post("/login/forgot/otp")
def forgot_second_factor_submit():
    flow = _flow(Stage.SECOND_FACTOR)
    if flow is None:
        return see_other(url_for("auth.forgot_form"))
    result = check_reset_second_factor(services(), actor(), flow,
                                       request.form.get("code", ""))
    if result.error in (Refusal.LOCKED, Refusal.DELAYED):
        flash(refusal_message(result.error, result.until), "error")
        if result.error == Refusal.LOCKED:
            session.pop("pw_reset", None)
            return see_other(url_for("auth.forgot_form"))
    elif result.error is not None:
        flash(t("验证码错误或已使用，请重试。", "Wrong or already used code; try again."), "error")
    return see_other(url_for("auth.forgot_password" if result.error is None else
                             "auth.forgot_second_factor"))


@bp.post("/login/forgot/passkey/options")
def forgot_passkey_options():
    flow = _flow(Stage.SECOND_FACTOR)
    options = reset_passkey_options(services(), flow) if flow is not None else None
    if options is None:
        return Response('{"error": "expired"}', 409, mimetype="application/json")
    return Response(options, mimetype="application/json")


@bp.post("/login/forgot/passkey")
def forgot_passkey_submit():
    flow = _flow(Stage.SECOND_FACTOR)
    if flow is None:
        return see_other(url_for("auth.forgot_form"))
    result = check_reset_passkey(services(), actor(), flow,
                                 request.form.get("credential", "")[:16_384])
    if result.error in (Refusal.LOCKED, Refusal.DELAYED):
        flash(refusal_message(result.error, result.until), "error")
    elif result.error is not None:
        flash(t("通行密钥未通过验证，请重试。", "The passkey was not accepted; try again."),
              "error")
    return see_other(url_for("auth.forgot_password" if result.error is None else
                             "auth.forgot_second_factor"))


@bp.post("/login/forgot/password")
def forgot_password_submit():
    flow = _flow(Stage.PASSWORD)
    if flow is None:
        return see_other(url_for("auth.forgot_form"))
    password = request.form.get("password", "")[:1024]
    if password != request.form.get("confirm", "")[:1024]:
        flash(t("两次输入的新密码不一致。", "The two new passwords are not the same."), "error")
        return see_other(url_for("auth.forgot_password"))
    try:
        finish_reset(services(), actor(), flow, password)
    except AccountError as error:
        flash(error.description, "error")
        return see_other(url_for("auth.forgot_password"))
    session.pop("pw_reset", None)
    flash(t("密码已重置，请用新密码登录。", "Your password is reset: log in with it."), "success")
    return see_other(url_for("auth.login_form"))


def _flow(stage: Stage) -> ResetFlow | None:
    """The browser's flow when it is at this step."""
    flow = load_reset(services(), session.get("pw_reset"))
    return flow if flow is not None and flow.stage == stage else None
