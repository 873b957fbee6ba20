"""Account pages: search persons, one person's sessions and sign-ins, unlock, force logout,
revoke an agent authorisation."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from admin import accounts
from admin.access import allowed
from admin.errors import AdminError
from admin.roles import Permission
from admin.web.blueprints import bp
from admin.web.guard import page
from idp.services import services
from idp.web.i18n import language, t


@bp.route("/accounts", methods=["GET", "POST"])
@page(Permission.ACCOUNTS_SEARCH)
def account_search(admin):
    # POST: an ID number typed here must not end up in a URL (access logs, browser history).
    query = request.form.get("q", "")[:64] if request.method == "POST" else ""
    people = accounts.search_persons(services(), admin, query) if query.strip() else []
    return render_template("admin/accounts.html", q=query, people=people)


@bp.get("/accounts/<person_id>")
@page(Permission.ACCOUNTS_VIEW)
def account_detail(admin, person_id):
    view = accounts.overview(services(), admin, person_id[:36])
    return render_template("admin/account.html", view=view,
                           can_manage=allowed(admin, Permission.ACCOUNTS_UNLOCK))


def _act(admin, person_id: str, action, message: str):
    try:
        action()
    except AdminError as exc:
        flash(exc.describe(language()), "error")
    else:
        flash(message, "success")
    return redirect(url_for("admin.account_detail", person_id=person_id), code=303)


@bp.post("/accounts/<person_id>/unlock")
@page(Permission.ACCOUNTS_UNLOCK)
def account_unlock(admin, person_id):
    reason = request.form.get("reason")
    return _act(admin, person_id,
                lambda: accounts.unlock_account(services(), admin, person_id[:36], reason),
                t("已解除锁定。", "Unlocked."))


@bp.post("/accounts/<person_id>/logout")
@page(Permission.ACCOUNTS_FORCE_LOGOUT)
def account_logout(admin, person_id):
    reason = request.form.get("reason")
    return _act(admin, person_id,
                lambda: accounts.force_logout(services(), admin, person_id[:36], reason),
                t("已强制退出全部会话。", "Every session was ended."))


@bp.post("/accounts/<person_id>/revoke")
@page(Permission.ACCOUNTS_REVOKE_AUTHORISATION)
def account_revoke(admin, person_id):
    reason, code = request.form.get("reason"), request.form.get("credit_code", "")[:32]
    return _act(admin, person_id,
                lambda: accounts.revoke_authorisation(services(), admin, person_id[:36], code,
                                                      reason),
                t("已撤销法人授权。", "The authorisation was revoked."))
