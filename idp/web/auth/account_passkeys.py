"""/account/passkeys: the person's passkeys, adding one (name the device; the page's script
runs the browser's side), removing one after typing the password again."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for

from idp.accounts.service import get_person
from idp.authn.passkeys.credentials import list_passkeys, remove_passkey
from idp.authn.passkeys.registration import (
    MAX_PASSKEYS,
    NAME_LENGTH,
    finish_registration,
    registration_options,
)
from idp.authn.reauth import confirm_password, is_fresh
from idp.services import services
from idp.web.auth.blueprints import account_bp
from idp.web.auth.login_flow import actor, local_time, see_other
from idp.web.i18n import t
from idp.web.sso_cookie import current_session

MAX_RESPONSE = 16_384
_REFUSALS = {
    "expired": ("操作超时，请重新添加。", "That took too long; add it again."),
    "duplicate": ("这个通行密钥已经添加过了。", "That passkey is already registered."),
    "too_many": (f"最多可添加 {MAX_PASSKEYS} 个通行密钥。", f"At most {MAX_PASSKEYS} passkeys."),
}


@account_bp.get("/account/passkeys")
def passkeys_page():
    current = current_session()
    if current is None:
        return redirect(url_for("auth.login_form"))
    return render_template("auth/account_passkeys.html",
                           passkeys=list_passkeys(services(), current[1].account_id),
                           local_time=local_time, name_length=NAME_LENGTH)


@account_bp.post("/account/passkeys/options")
def passkey_registration_options():
    current = current_session()
    if current is None:
        abort(401)
    sso = current[1]
    person = get_person(services(), sso.account_id)
    body = registration_options(services(), sso.account_id, sso.username,
                                person.name if person else None, sso.sid)
    return Response(body, mimetype="application/json")


@account_bp.post("/account/passkeys")
def passkey_register():
    current = current_session()
    if current is None:
        return see_other(url_for("auth.login_form"))
    sso = current[1]
    result = finish_registration(
        services(), sso.account_id, sso.sid, request.form.get("credential", "")[:MAX_RESPONSE],
        request.form.get("name", ""), actor=actor())
    if result.error is None:
        flash(t(f"已添加通行密钥“{result.passkey.name}”。",
                f"Passkey “{result.passkey.name}” added."), "success")
    else:
        flash(t(*_REFUSALS.get(result.error, ("通行密钥未能添加，请重试。",
                                              "The passkey could not be added; try again."))),
              "error")
    return see_other(url_for("account.passkeys_page"))


@account_bp.get("/account/passkeys/<passkey_id>/remove")
def passkey_remove_form(passkey_id: str):
    current = current_session()
    if current is None:
        return redirect(url_for("auth.login_form"))
    passkey = _own(current[1].account_id, passkey_id)
    if passkey is None:
        return redirect(url_for("account.passkeys_page"))
    return render_template("auth/account_passkey_remove.html", passkey=passkey,
                           username=current[1].username,
                           fresh=is_fresh(services(), current[1].sid))


@account_bp.post("/account/passkeys/<passkey_id>/remove")
def passkey_remove(passkey_id: str):
    current = current_session()
    if current is None:
        return see_other(url_for("auth.login_form"))
    svc, sso = services(), current[1]
    # NIST SP 800-63B §7.2: re-authenticate before taking away an authenticator.
    if not is_fresh(svc, sso.sid) and not confirm_password(
            svc, sso.account_id, request.form.get("password", ""), actor=actor(),
            purpose="passkey_remove", sid=sso.sid):
        flash(t("密码不正确，未移除。", "Wrong password: nothing was removed."), "error")
        return see_other(url_for("account.passkey_remove_form", passkey_id=passkey_id))
    if remove_passkey(svc, sso.account_id, passkey_id, actor=actor()):
        flash(t("已移除该通行密钥，它不能再用于登录。",
                "The passkey was removed: it no longer logs you in."), "success")
    return see_other(url_for("account.passkeys_page"))


def _own(account_id: str, passkey_id: str):
    return next((p for p in list_passkeys(services(), account_id) if p.id == passkey_id), None)
