"""GET/POST /login/password: the new password an account owes before it gets any session.

Accounts flagged ``must_change_password`` (the bootstrap administrator printed by ``idp serve``,
an account whose password an administrator set) come here right after a correct password; no
SSO session exists and no protocol flow continues until the account's policy accepts a new one
(GB/T 22239-2019 §8.1.4.1 for administrators). Then the login goes on where it was.
"""

from __future__ import annotations

from flask import flash, render_template, request, session, url_for

from idp.accounts.errors import AccountError
from idp.accounts.service import change_password, is_admin
from idp.authn.pending import load_pending
from idp.services import services
from idp.web.auth.blueprints import bp
from idp.web.auth.login_flow import actor, continue_login, expired, see_other
from idp.web.i18n import t


def _owed():
    pending = load_pending(services().store, session.get("pending"))
    return pending if pending is not None and pending.must_change_password else None


@bp.get("/login/password")
def new_password():
    pending = _owed()
    if pending is None:
        return expired()
    return render_template("auth/new_password.html", username=pending.username,
                           admin_policy=is_admin(services(), pending.account_id))


@bp.post("/login/password")
def new_password_submit():
    pending = _owed()
    if pending is None:
        return expired()
    password = request.form.get("password", "")[:1024]
    if password != request.form.get("confirm", "")[:1024]:
        flash(t("两次输入的新密码不一致。", "The two new passwords are not the same."), "error")
        return see_other(url_for("auth.new_password"))
    try:  # the policy of the account's class, audited ACCOUNT_UPDATE fields=["password"]
        change_password(services(), actor(), pending.account_id, password)
    except AccountError as error:
        flash(error.description, "error")
        return see_other(url_for("auth.new_password"))
    flash(t("新密码已设置，请牢记。", "Your new password is set."), "success")
    pending.must_change_password = False
    return continue_login(pending)
