"""GET/POST /login: the two doors of the portal."""

from __future__ import annotations

from flask import flash, render_template, request, session, url_for

from idp.accounts.service import get_person
from idp.authn.passkeys.assertion import has_passkeys
from idp.authn.password_login import password_login
from idp.authn.pending import PendingLogin, save_pending
from idp.authn.totp import is_enrolled
from idp.services import services
from idp.sso.first_factors import PASSKEY_METHODS, FirstFactor
from idp.web.auth.blueprints import bp
from idp.web.auth.login_flow import (
    DOORS,
    actor,
    continue_login,
    door_of,
    flash_lockout_notice,
    login_request,
    refusal_message,
    see_other,
)
from idp.web.auth.login_methods import refused
from idp.web.auth.login_tabs import login_page_context
from idp.web.auth.passkey_login import passkey_allowed
from idp.web.auth.staff_login import STAFF_DOOR, staff_form
from idp.web.i18n import t
from idp.web.sso_cookie import current_session


@bp.get("/login")
def login_form():
    login_id = request.args.get("login")
    request_ = login_request(login_id)
    door = door_of(request.args.get("door"), request_)
    if request.args.get("door") == STAFF_DOOR:  # the third door (idp/web/auth/staff_login.py)
        return staff_form(request_, current_session())
    current = current_session()
    # Only a password session steps up with its second factor alone: one begun by SMS or a
    # scan logs in again (its amr must not claim a password, nor SMS + code reach level 3).
    if request_ and current and not request_.force_login and "pwd" in current[1].amr and (
            current[1].level < request_.min_level or _passkey_owed(request_, current[1])):
        step_up = _step_up(current[1].account_id, door, login_id, request_.passkey_required)
        if step_up is not None:
            return step_up
    hint = session.pop("login_username", None) or (request_.login_hint if request_ else None)
    return render_template(
        "auth/login.html", door=door, login_id=request_.id if request_ else None,
        client_name=request_.client_name if request_ else None, username=hint or "",
        signed_in_as=current[1].username if current else None,
        **login_page_context(request_, door, request.args.get("method")),
        passkey_allowed=passkey_allowed(request_),
    )


@bp.post("/login")
def login_submit():
    username = request.form.get("username", "")[:128]
    password = request.form.get("password", "")[:1024]
    request_ = login_request(request.form.get("login"))
    door = door_of(request.form.get("door"), request_)
    back = url_for("auth.login_form", login=request_.id if request_ else None, door=door)
    session["login_username"] = username.strip()
    if door in DOORS and refused(request_, FirstFactor.PASSWORD):  # issue 13: the RP's policy
        return see_other(back)
    if not username.strip() or not password:
        flash(t("请输入用户名和密码。", "Enter your username and password."), "error")
        return see_other(back)
    result = password_login(
        services(), username, password, door=door, actor=actor(),
        client_id=request_.client_id if request_ else None,
    )
    if result.error is not None:
        flash(refusal_message(result.error, result.until), "error")
        return see_other(back)
    session.pop("login_username", None)
    person = result.person
    flash_lockout_notice(result.locked_at)
    pending = PendingLogin(
        person.id, person.username, person.assurance_level, door,
        request_.id if request_ else None, must_change_password=person.must_change_password,
        second_factor=person.second_factor,
    )
    return continue_login(pending)


def _passkey_owed(request_, sso) -> bool:
    """The relying party asked for a phishing-resistant login and this session used no
    passkey: a password session steps up with its passkey."""
    return request_.passkey_required and not PASSKEY_METHODS & set(sso.amr)


def _step_up(account_id: str, door: str, login_id: str | None, passkey_only: bool = False):
    """A live session below the level asked for (or without the passkey it asked for): only
    the second factor is missing."""
    person = get_person(services(), account_id)
    passkeys = has_passkeys(services(), account_id)
    if person is None or not (passkeys or (is_enrolled(services(), account_id)
                                           and not passkey_only)):
        return None
    pending = PendingLogin(person.id, person.username, person.assurance_level, door, login_id,
                           second_factor=True)
    session["pending"] = save_pending(services().store, pending)
    return see_other(url_for("auth.second_factor"))
