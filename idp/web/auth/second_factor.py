"""GET/POST /login/otp: the second factor a login owes after the password (a TOTP code or a
recovery code; a passkey is checked by idp/web/auth/passkey_login.py), before any SSO session
exists."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for

from idp.authn.passkeys.assertion import has_passkeys
from idp.authn.pending import drop_pending, load_pending
from idp.authn.second_factor import verify_second_factor
from idp.authn.totp import is_enrolled
from idp.services import services
from idp.web.auth.blueprints import bp
from idp.web.auth.login_flow import (
    actor,
    expired,
    finish_login,
    login_request,
    refusal_message,
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
    svc = services()
    request_ = login_request(pending.login_id)
    # A phishing-resistant login asked for: a code typed here could be relayed, a passkey not.
    passkey_only = request_ is not None and request_.passkey_required
    return render_template("auth/otp.html", username=pending.username,
                           totp=is_enrolled(svc, pending.account_id) and not passkey_only,
                           passkeys=has_passkeys(svc, pending.account_id))


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
