"""Key pages: every signing key with its state and age, and rotation."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from admin import signing_keys
from admin.access import allowed
from admin.errors import AdminError
from admin.roles import Permission
from admin.web.blueprints import bp
from admin.web.guard import page
from idp.services import services
from idp.web.i18n import language, t
from keys.algorithms import ALL_SLOTS


@bp.get("/keys")
@page(Permission.KEYS_VIEW)
def key_list(admin):
    return render_template("admin/keys.html", keys=signing_keys.list_keys(services(), admin),
                           algs=ALL_SLOTS, can_rotate=allowed(admin, Permission.KEYS_ROTATE))


@bp.post("/keys/rotate")
@page(Permission.KEYS_ROTATE)
def key_rotate(admin):
    try:
        result = signing_keys.rotate(services(), admin, request.form.get("alg", "")[:16],
                                     request.form.get("reason"))
    except AdminError as exc:
        flash(exc.describe(language()), "error")
    else:
        flash(t(f"{result.alg} 已轮换，当前签名密钥 {result.current}。",
                f"{result.alg} rotated: now signing with {result.current}."), "success")
    return redirect(url_for("admin.key_list"), code=303)
