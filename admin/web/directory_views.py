"""Staff directory pages: the list with each directory's state, one directory, registration,
disable / enable, the connection test and "sync now" (all through ``admin.staff_directories``)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from admin import staff_directories
from admin.access import allowed
from admin.errors import AdminError
from admin.roles import Permission
from admin.web.blueprints import bp
from admin.web.guard import page
from federation.directories import MAPPED, TLS_MODES
from idp.services import services
from idp.web.i18n import language, t

FORM_DEFAULTS = {"user_filter": "(objectClass=inetOrgPerson)", "timeout": "5", "level": "2",
                 "tls": "none"}


def _back(name: str):
    return redirect(url_for("admin.directory_detail", name=name), code=303)


@bp.get("/directories")
@page(Permission.DIRECTORIES_VIEW)
def directories(admin):
    return render_template("admin/directories.html",
                           rows=staff_directories.list_rows(services(), admin),
                           can_manage=allowed(admin, Permission.DIRECTORIES_MANAGE))


@bp.route("/directories/new", methods=["GET", "POST"])
@page(Permission.DIRECTORIES_MANAGE)
def directory_new(admin):
    form = request.form if request.method == "POST" else FORM_DEFAULTS
    status = 200
    if request.method == "POST":
        try:
            name = staff_directories.add(services(), admin, request.form,
                                         request.form.get("reason"))
        except AdminError as exc:
            flash(exc.describe(language()), "error")
            status = 400
        else:
            flash(t("已添加部门目录。", "Directory added."), "success")
            return _back(name)
    return render_template("admin/directory_form.html", form=form, tls_modes=TLS_MODES,
                           mapped=MAPPED), status


@bp.get("/directories/<name>")
@page(Permission.DIRECTORIES_VIEW)
def directory_detail(admin, name):
    row = staff_directories.get_row(services(), admin, name[:32])
    return render_template("admin/directory.html", row=row,
                           can_manage=allowed(admin, Permission.DIRECTORIES_MANAGE))


@bp.post("/directories/<name>/disable")
@page(Permission.DIRECTORIES_MANAGE)
def directory_disable(admin, name):
    disabled = request.form.get("disabled", "1") == "1"
    try:
        staff_directories.set_disabled(services(), admin, name[:32], disabled,
                                       request.form.get("reason"))
    except AdminError as exc:
        flash(exc.describe(language()), "error")
    else:
        flash(t("已停用。", "Disabled.") if disabled else t("已启用。", "Enabled."), "success")
    return _back(name[:32])


@bp.post("/directories/<name>/test")
@page(Permission.DIRECTORIES_MANAGE)
def directory_test(admin, name):
    answered, said = staff_directories.check_connection(services(), admin, name[:32])
    if answered:
        count, _, sample = said.partition(" ")
        example = (t("，例如 ", ", e.g. ") + sample) if sample else ""
        flash(t(f"连接成功：找到 {count} 个用户（最多数 5 个）{example}。",
                f"Connected: found {count} user(s) (at most 5 counted){example}."), "success")
    else:
        flash(t(f"连接失败：{said}", f"Connection failed: {said}"), "error")
    return _back(name[:32])


@bp.post("/directories/<name>/sync")
@page(Permission.DIRECTORIES_MANAGE)
def directory_sync(admin, name):
    full = request.form.get("full") == "1"
    try:
        started = staff_directories.sync_now(services(), admin, name[:32], full)
    except AdminError as exc:
        flash(exc.describe(language()), "error")
    else:
        if started:
            flash(t("同步已开始，完成后刷新本页查看结果。",
                    "The sync has started; reload this page to see its result."), "success")
        else:
            flash(t("该目录正在同步中，未重复启动。",
                    "A sync of this directory is already running."), "warning")
    return _back(name[:32])
