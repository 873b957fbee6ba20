"""GET/POST /account/delete: ask for the account's deletion (PIPL art. 47).

After the request every session has ended, this one too: the answer is a page (not a
redirect to one needing a session) that says when the data go and how to take it back.
"""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for

from idp.privacy.deletion import DeletionRefused, request_deletion
from idp.services import services
from idp.web.auth.blueprints import account_bp
from idp.web.auth.login_flow import CST, actor, see_other
from idp.web.i18n import t
from idp.web.sso_cookie import clear_session_cookie, current_session


@account_bp.get("/account/delete")
def delete_form():
    current = current_session()
    if current is None:
        return redirect(url_for("auth.login_form"))
    return render_template("auth/account_delete.html", username=current[1].username,
                           days=services().settings.account_deletion_grace_days)


@account_bp.post("/account/delete")
def delete_submit():
    current = current_session()
    if current is None:
        return see_other(url_for("auth.login_form"))
    if request.form.get("confirm") != "yes":
        flash(t("请勾选确认注销。", "Tick the box to confirm the deletion."), "error")
        return see_other(url_for("account.delete_form"))
    try:
        due = request_deletion(services(), actor(), account_id=current[1].account_id,
                               password=request.form.get("password", ""), sid=current[1].sid)
    except DeletionRefused as refused:
        flash(t("密码不正确。", "Wrong password.") if refused.reason == "wrong_password" else
              t("管理员账号请联系安全管理员注销。",
                "An administrator's account is closed by a security administrator."), "error")
        return see_other(url_for("account.delete_form"))
    response = make_response(render_template(
        "auth/account_deleted.html", due=due.astimezone(CST).strftime("%Y-%m-%d %H:%M")))
    clear_session_cookie(response)
    return response
