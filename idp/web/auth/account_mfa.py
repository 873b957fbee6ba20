"""Second-factor management on the account page: TOTP enrolment, recovery codes, removal."""

from __future__ import annotations

import json

from flask import flash, redirect, render_template, request, url_for

from idp.accounts.service import get_person
from idp.authn.totp import begin_enrolment, confirm_enrolment, is_enrolled, remove_totp
from idp.services import services
from idp.sso.establish import level_after
from idp.web.auth.blueprints import account_bp
from idp.web.auth.login_flow import actor, login_request, return_target, see_other
from idp.web.i18n import t
from idp.web.sso_cookie import current_session

_CODES_CONTEXT = "recovery.show"


@account_bp.get("/account/mfa/totp")
def totp_enrol():
    current = current_session()
    if current is None:
        return redirect(url_for("auth.login_form"))
    enrolment = begin_enrolment(services(), current[1].account_id, current[1].username)
    return render_template(
        "auth/totp_enrol.html", enrolment=enrolment, login_id=request.args.get("login"),
        replacing=is_enrolled(services(), current[1].account_id),
    )


@account_bp.post("/account/mfa/totp")
def totp_confirm():
    current = current_session()
    if current is None:
        return see_other(url_for("auth.login_form"))
    svc = services()
    token, sso = current
    login_id = request.form.get("login") or None
    codes = confirm_enrolment(svc, sso.account_id, request.form.get("code", ""), actor())
    if codes is None:
        flash(t("验证码不正确，请查看验证器中的最新验证码。",
                "That code is not right; enter the newest code from your app."), "error")
        return see_other(url_for("account.totp_enrol", login=login_id))
    # The code just typed proves the second factor in this session too (L3 when L2).
    person = get_person(svc, sso.account_id)
    sso.amr = sorted(set(sso.amr) | {"otp"})
    sso.level = max(sso.level, level_after(person.assurance_level if person else 1, sso.amr))
    svc.sessions.update(token, sso)
    # Shown once, on the next page: sealed in the Store for a minute, never in the cookie.
    svc.store.put(f"codes-show:{sso.sid}",
                  svc.cipher.seal(json.dumps(codes), _CODES_CONTEXT), 60)
    return see_other(url_for("account.recovery_codes", login=login_id))


@account_bp.get("/account/mfa/codes")
def recovery_codes():
    current = current_session()
    if current is None:
        return redirect(url_for("auth.login_form"))
    svc = services()
    sealed = svc.store.take(f"codes-show:{current[1].sid}")
    if sealed is None:
        return redirect(url_for("account.overview"))
    codes = json.loads(svc.cipher.open(sealed, _CODES_CONTEXT))
    request_ = login_request(request.args.get("login"))
    return render_template(
        "auth/recovery_codes.html", codes=codes,
        continue_url=return_target(request_) if request_ else None,
    )


@account_bp.post("/account/mfa/totp/remove")
def totp_remove():
    current = current_session()
    if current is None:
        return see_other(url_for("auth.login_form"))
    if remove_totp(services(), current[1].account_id, request.form.get("code", ""), actor()):
        flash(t("已解除验证器绑定。", "The authenticator app was removed."), "success")
    else:
        flash(t("验证码不正确，未解除绑定。", "Wrong code: nothing was removed."), "error")
    return see_other(url_for("account.overview"))
