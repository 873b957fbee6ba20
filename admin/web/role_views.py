"""The security administrator's page for administrators (/admin/roles): who holds which role,
make an administrator account, grant or revoke the other roles (admin/administrators.py)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from admin import administrators
from admin.errors import AdminError
from admin.roles import Permission
from admin.web.blueprints import bp
from admin.web.guard import page
from idp.services import services
from idp.web.i18n import language, t


@bp.get("/roles")
@page(Permission.ROLES_ASSIGN)
def roles_page(admin, form=None, status=200):
    return render_template(
        "admin/roles.html", holders=administrators.holders(services()),
        grantable=[r.value for r in administrators.GRANTABLE], form=form or {},
        pending=administrators.first_run_pending(services())), status


@bp.post("/roles/accounts")
@page(Permission.ROLES_ASSIGN)
def admin_create(admin):
    values = request.form
    return _act(admin, lambda: administrators.create_admin(
        services(), admin, username=values.get("username", ""), name=values.get("name", ""),
        password=values.get("password", ""), reason=values.get("reason")),
        _created(values.get("username", "")))


def _created(username: str) -> str:
    # What the security administrator hands over next: who, where, and what happens there.
    address = url_for("admin.login", _external=True)
    return t(f"已创建管理员账号 {username}。请将用户名、初始密码和控制台地址 {address} "
             "告知本人：首次登录须修改密码并绑定验证器，然后在此授予其角色。",
             f"Administrator {username} created. Give them the username, the initial password "
             f"and the console's address {address}: at first sign-in they change the password "
             "and enrol an authenticator app. Grant their role here.")


@bp.post("/roles/grant")
@page(Permission.ROLES_ASSIGN)
def role_grant(admin):
    return _act(admin, lambda: _change(administrators.grant, admin), t("已授予。", "Granted."))


@bp.post("/roles/revoke")
@page(Permission.ROLES_ASSIGN)
def role_revoke(admin):
    return _act(admin, lambda: _change(administrators.revoke, admin), t("已撤销。", "Revoked."))


def _change(operation, admin):
    values = request.form
    return operation(services(), admin, username=values.get("username", ""),
                     role=values.get("role", ""),
                     department=values.get("department", "").strip() or None,
                     reason=values.get("reason"))


def _act(admin, operation, done: str):
    try:
        operation()
    except AdminError as exc:
        flash(exc.describe(language()), "error")
        kept = {k: v for k, v in request.form.items() if k not in ("password", "csrf_token")}
        return roles_page.__wrapped__(admin, form=kept, status=exc.status)
    flash(done, "success")
    return redirect(url_for("admin.roles_page"), code=303)
