"""Assisted recovery on a person's page: reset the phone, remove the second factor."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, request, url_for

from admin import account_recovery
from admin.errors import AdminError
from admin.roles import Permission
from admin.web.blueprints import bp
from admin.web.guard import page
from idp.services import services
from idp.web.i18n import language, t


@bp.post("/accounts/<person_id>/recovery/phone")
@page(Permission.ACCOUNTS_RECOVER)
def account_reset_phone(admin, person_id):
    reason, phone = request.form.get("reason"), request.form.get("phone", "")[:20]
    return _act(person_id, lambda: account_recovery.reset_phone(
        services(), admin, person_id[:36], phone, reason))


@bp.post("/accounts/<person_id>/recovery/second-factor")
@page(Permission.ACCOUNTS_RECOVER)
def account_remove_second_factor(admin, person_id):
    reason = request.form.get("reason")
    return _act(person_id, lambda: account_recovery.remove_second_factor(
        services(), admin, person_id[:36], reason))


def _act(person_id: str, action: Callable[[], account_recovery.Recovered]):
    try:
        done = action()
    except AdminError as exc:
        flash(exc.describe(language()), "error")
    else:
        if done.changed:
            flash(t(f"已完成人工找回，结束了该账号的 {done.sessions_ended} 个会话。",
                    f"Recovered; {done.sessions_ended} session(s) of the account ended."),
                  "success")
        else:
            flash(t("该账号没有绑定验证器，无需解除。", "The account has no second factor."),
                  "warning")
    return redirect(url_for("admin.account_detail", person_id=person_id), code=303)
