"""/account/data: download a copy of one's data (PIPL art. 45) as JSON.

The ID number comes masked, or in full within five minutes of typing the password again.
"""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, request, url_for

from idp.authn.reauth import FRESH_SECONDS, confirm_password, is_fresh
from idp.privacy.data_copy import data_copy
from idp.services import services
from idp.web.auth.blueprints import account_bp
from idp.web.auth.login_flow import actor, see_other
from idp.web.i18n import t
from idp.web.sso_cookie import current_session


@account_bp.get("/account/data")
def data_page():
    current = current_session()
    if current is None:
        return redirect(url_for("auth.login_form"))
    return render_template("auth/account_data.html", username=current[1].username,
                           fresh=is_fresh(services(), current[1].sid),
                           minutes=FRESH_SECONDS // 60)


@account_bp.post("/account/data/password")
def data_password():
    current = current_session()
    if current is None:
        return see_other(url_for("auth.login_form"))
    if not confirm_password(services(), current[1].account_id,
                            request.form.get("password", ""), actor=actor(),
                            purpose="data_copy", sid=current[1].sid):
        flash(t("密码不正确。", "Wrong password."), "error")
    return see_other(url_for("account.data_page"))


@account_bp.post("/account/data/download")
def data_download():
    current = current_session()
    if current is None:
        return see_other(url_for("auth.login_form"))
    svc = services()
    full = request.form.get("id_number") == "full"
    if full and not is_fresh(svc, current[1].sid):
        flash(t("下载完整身份证号前，请先再次输入密码。",
                "Type your password again before downloading the full ID number."), "error")
        return see_other(url_for("account.data_page"))
    copy = data_copy(svc, actor(), current[1].account_id, full_id_number=full)
    if copy is None:
        return see_other(url_for("auth.login_form"))
    body = json.dumps(copy, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="yiwang-my-data.json"',
        "Cache-Control": "no-store",
    })
