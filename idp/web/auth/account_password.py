"""GET/POST /account/password: change the password from "my account"."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from idp.accounts.errors import AccountError
from idp.accounts.service import is_admin
from idp.authn.own_password import WrongPassword, change_own_password
from idp.services import services
from idp.web.auth.blueprints import account_bp
from idp.web.auth.login_flow import actor, see_other
from idp.web.i18n import t
from idp.web.sso_cookie import current_session


@account_bp.get("/account/password")
def password_form():
    current = current_session()
    if current is None:
        return redirect(url_for("auth.login_form"))
    return render_template("auth/account_password.html", username=current[1].username,
                           admin_policy=is_admin(services(), current[1].account_id))


@account_bp.post("/account/password")
def password_submit():
    current = current_session()
    if current is None:
        return see_other(url_for("auth.login_form"))
    new = request.form.get("password", "")[:1024]
    if new != request.form.get("confirm", "")[:1024]:
        flash(t("两次输入的新密码不一致。", "The two new passwords are not the same."), "error")
        return see_other(url_for("account.password_form"))
    try:
        ended = change_own_password(
            services(), actor(), account_id=current[1].account_id,
            current=request.form.get("current", "")[:1024], new=new, keep_sid=current[1].sid)
    except WrongPassword:
        flash(t("当前密码不正确。", "The current password is wrong."), "error")
        return see_other(url_for("account.password_form"))
    except AccountError as error:
        flash(error.description, "error")
        return see_other(url_for("account.password_form"))
    flash(t(f"密码已修改；其他设备上的 {ended} 个登录已结束。",
            f"Your password is changed; {ended} other session(s) ended."), "success")
    return see_other(url_for("account.overview"))
