"""Passkey steps of a login (the ceremonies are in ``idp.authn.passkeys``):

- POST /login/passkey/options, /login/passkey: passwordless ("刷脸/指纹登录") on the person
  door. The challenge is bound to this browser by a random value in its signed session.
- POST /login/otp/passkey/options, /login/otp/passkey: the second factor after the password,
  bound to the pending login.

The options answer JSON for the page's script; the assertion comes back as a form post and is
answered with a page, like the password.
"""

from __future__ import annotations

import secrets

from flask import Response, flash, request, session, url_for

from idp.authn.lockout import Refusal
from idp.authn.passkeys.assertion import LOGIN, SECOND_FACTOR, assertion_options, verify_assertion
from idp.authn.passkeys.methods import passkey_amr
from idp.authn.pending import PendingLogin, drop_pending, load_pending
from idp.services import services
from idp.sso.first_factors import FirstFactor
from idp.sso.login_request import LoginRequest
from idp.sso.policy import allowed_first_factors
from idp.web.auth.blueprints import bp
from idp.web.auth.login_flow import (
    actor,
    continue_login,
    expired,
    finish_login,
    flash_lockout_notice,
    login_request,
    note_first_factor,
    refusal_message,
    see_other,
)
from idp.web.auth.login_methods import refused
from idp.web.i18n import t

MAX_RESPONSE = 16_384  # an assertion is a few hundred bytes; an attestation a few KB
_BINDING = "passkey_login"


def passkey_allowed(request_: LoginRequest | None) -> bool:
    """Whether the relying party accepts a passkey as the first factor (its policy's
    ``first_factors``; every factor when it lists none)."""
    return FirstFactor.PASSKEY in allowed_first_factors(request_)


def _json(body: str) -> Response:
    return Response(body, mimetype="application/json")


@bp.post("/login/passkey/options")
def passkey_login_options():
    if not passkey_allowed(login_request(request.form.get("login"))):
        return _json('{"error": "not_allowed"}'), 403
    session[_BINDING] = binding = secrets.token_urlsafe(18)
    return _json(assertion_options(services(), LOGIN, binding))


@bp.post("/login/passkey")
def passkey_login_submit():
    request_ = login_request(request.form.get("login"))
    back = url_for("auth.login_form", login=request_.id if request_ else None)
    binding = session.pop(_BINDING, None)
    if refused(request_, FirstFactor.PASSKEY):
        return see_other(back)
    if binding is None:
        return expired()
    result = verify_assertion(
        services(), LOGIN, binding, request.form.get("credential", "")[:MAX_RESPONSE],
        actor=actor(), door="person", client_id=request_.client_id if request_ else None)
    if result.error in (Refusal.LOCKED, Refusal.DELAYED):  # locked for every method
        flash(refusal_message(result.error, result.until), "error")
        return see_other(back)
    if result.error is not None:
        flash(t("通行密钥未通过验证，请重试或使用密码登录。",
                "The passkey was not accepted; try again or log in with your password."),
              "error")
        return see_other(back)
    flash_lockout_notice(result.locked_at)
    pending = PendingLogin(result.account_id, result.username, result.person_level, "person",
                           request_.id if request_ else None,
                           must_change_password=result.must_change_password)
    amr = passkey_amr(result.method, after_password=False)
    if pending.must_change_password:  # the new password first, then this passkey's session
        note_first_factor(pending, amr)
        return continue_login(pending)
    return finish_login(pending, amr)


@bp.post("/login/otp/passkey/options")
def passkey_second_factor_options():
    pending = load_pending(services().store, session.get("pending"))
    if pending is None or pending.must_change_password:
        return _json('{"error": "expired"}'), 409
    return _json(assertion_options(services(), SECOND_FACTOR, pending.id, pending.account_id))


@bp.post("/login/otp/passkey")
def passkey_second_factor_submit():
    svc = services()
    pending = load_pending(svc.store, session.get("pending"))
    if pending is None:
        return expired()
    if pending.must_change_password:  # no skipping the new password
        return see_other(url_for("auth.new_password"))
    request_ = login_request(pending.login_id)
    result = verify_assertion(
        svc, SECOND_FACTOR, pending.id, request.form.get("credential", "")[:MAX_RESPONSE],
        actor=actor(), door=pending.door, client_id=request_.client_id if request_ else None)
    if result.error is not None or result.account_id != pending.account_id:
        flash(t("通行密钥未通过验证，请重试。", "The passkey was not accepted; try again."),
              "error")
        return see_other(url_for("auth.second_factor"))
    drop_pending(svc.store, pending.id)
    session.pop("pending", None)
    return finish_login(pending, passkey_amr(result.method, after_password=True))
