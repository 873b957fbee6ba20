"""The steps after the password: second factor, legal-person chooser, level explanation."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for

from idp.authn.pending import drop_pending, load_pending
from idp.authn.second_factor import verify_second_factor
from idp.services import services
from idp.sso.acting import act_for, entities_for
from idp.sso.web import current_session
from idp.web.auth import bp
from idp.web.auth.flow import (
    actor,
    expired,
    finish_login,
    login_request,
    refusal_message,
    return_target,
    see_other,
)
from idp.web.i18n import t


@bp.get("/login/otp")
def second_factor():
    pending = load_pending(services().store, session.get("pending"))
    if pending is None:
        return expired()
    if pending.must_change_password:  # no skipping the new password
        return redirect(url_for("auth.new_password"))
    return render_template("auth/otp.html", username=pending.username)


@bp.post("/login/otp")
def second_factor_submit():
    svc = services()
    pending = load_pending(svc.store, session.get("pending"))
    if pending is None:
        return expired()
    if pending.must_change_password:
        return see_other(url_for("auth.new_password"))
    request_ = login_request(pending.login_id)
    result = verify_second_factor(
        svc, pending, request.form.get("code", ""), actor=actor(),
        client_id=request_.client_id if request_ else None,
    )
    if result.error in ("locked", "delayed"):
        if result.error == "locked":
            drop_pending(svc.store, pending.id)
            session.pop("pending", None)
        flash(refusal_message(result.error, result.until), "error")
        return see_other(url_for("auth.login_form" if result.error == "locked" else
                                 "auth.second_factor"))
    if result.error is not None:
        flash(t("验证码错误或已使用，请重试。", "Wrong or already used code; try again."), "error")
        return see_other(url_for("auth.second_factor"))
    drop_pending(svc.store, pending.id)
    session.pop("pending", None)
    return finish_login(pending, ["pwd", "otp"])


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


@bp.get("/login/level")
def level_required():
    """The relying party needs a higher assurance level than this login reached."""
    current = current_session()
    request_ = login_request(request.args.get("login"))
    person_level = None
    if current is not None:
        from idp.accounts.service import get_person

        person = get_person(services(), current[1].account_id)
        person_level = person.assurance_level if person else None
    return render_template(
        "auth/level_required.html", request_=request_, session_=current[1] if current else None,
        person_level=person_level,
    )
