"""GET/POST /login/entity: the legal-person chooser, after a login through the legal door (the
organisation the person acts for in this session)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from idp.services import services
from idp.sso.acting import act_for, entities_for
from idp.web.auth.blueprints import bp
from idp.web.auth.login_flow import actor, login_request, return_target, see_other
from idp.web.i18n import t
from idp.web.sso_cookie import current_session


@bp.get("/login/entity")
def choose_entity():
    current = current_session()
    if current is None:
        return redirect(url_for("auth.login_form", door="legal"))
    login_id = request.args.get("login")
    request_ = login_request(login_id)
    return render_template(
        "auth/entity.html", entities=entities_for(services(), current[1].account_id),
        login_id=request_.id if request_ else None, continue_url=return_target(request_),
        acting_for=current[1].acting_for,
    )


@bp.post("/login/entity")
def choose_entity_submit():
    current = current_session()
    if current is None:
        return see_other(url_for("auth.login_form", door="legal"))
    request_ = login_request(request.form.get("login"))
    chosen = act_for(
        services(), current[0], current[1], request.form.get("authorisation", "")[:64],
        actor=actor(), client_id=request_.client_id if request_ else None,
    )
    if chosen is None:
        flash(t("请选择一个有效的授权单位。", "Choose one of the listed organisations."), "error")
        return see_other(url_for("auth.choose_entity", login=request_.id if request_ else None))
    return see_other(return_target(request_))
