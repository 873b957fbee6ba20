"""What the login views share: the request's actor, the login request, and where to go next."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import Response, flash, redirect, request, session, url_for

from idp.audit import Actor
from idp.authn.new_device_login import note_login_device
from idp.authn.pending import PendingLogin, drop_pending, save_pending
from idp.privacy.deletion import cancel_at_login
from idp.services import services
from idp.sso.establish import establish_session, level_after
from idp.sso.first_factors import PASSKEY_METHODS
from idp.sso.login_request import LoginRequest, load_login_request
from idp.sso.session import is_token_id
from idp.web.device_cookie import device_id, set_device_cookie
from idp.web.i18n import t
from idp.web.sso_cookie import current_session, set_session_cookie

DOORS = ("person", "legal")
FIRST_FACTOR = "first_factor"  # the Flask session's [pending id, amr] of a passwordless start
CST = timezone(timedelta(hours=8))


def actor() -> Actor:
    return Actor(ip=request.remote_addr, user_agent=request.user_agent.string or None)


def login_request(login_id: str | None) -> LoginRequest | None:
    if not is_token_id(login_id):
        return None
    return load_login_request(services().store, login_id)


def door_of(value: str | None, request_: LoginRequest | None = None) -> str:
    door = value or (request_.door if request_ else None) or "person"
    return door if door in DOORS else "person"


def return_target(request_: LoginRequest | None) -> str:
    """The protocol's resume URL (a local path only: never an open redirect), else my account."""
    target = request_.return_to if request_ else ""
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("account.overview")


def see_other(target: str) -> Response:
    """RFC 9700 §4.12: answer a credential POST with 303 so the browser does not re-POST."""
    return redirect(target, code=303)


def expired() -> Response:
    """The pending login is gone (timed out, or finished in another tab)."""
    flash(t("登录已超时，请重新登录。", "The login timed out; please log in again."), "error")
    return see_other(url_for("auth.login_form"))


def continue_login(pending: PendingLogin) -> Response:
    """The password is right: the steps still owed, in order (a new password the account must
    set, then the second factor), each kept in the Store; then the SSO session."""
    svc = services()
    if pending.must_change_password:
        session["pending"] = save_pending(svc.store, pending)
        return see_other(url_for("auth.new_password"))
    if pending.second_factor:
        session["pending"] = save_pending(svc.store, pending)
        return see_other(url_for("auth.second_factor"))
    if session.get("pending") == pending.id:
        drop_pending(svc.store, pending.id)
        session.pop("pending", None)
    return finish_login(pending, ["pwd"])


def finish_login(pending: PendingLogin, amr: list[str], *, new_account: bool = False,
                 upstream: str | None = None) -> Response:
    """Every required factor is done: make the SSO session, set its cookie, go on. Every login
    ends here, so here a browser not seen in 90 days is told to the person by SMS (not for
    the sign-up that made the account: ``new_account``). ``upstream``: the upstream identity
    provider the login came through, which the session records (issue 15)."""
    svc = services()
    amr = _with_first_factor(pending, amr)
    level = level_after(pending.person_level, amr)
    token, sso = establish_session(
        svc, current_session(), account_id=pending.account_id, username=pending.username,
        level=level, amr=amr, door=pending.door, actor=actor(), upstream=upstream,
    )
    device = device_id()
    note_login_device(svc, actor(), account_id=pending.account_id, device_id=device,
                      new_account=new_account)
    session.pop("csrf", None)  # a new CSRF token after authentication (no fixation)
    if cancel_at_login(svc, actor(), pending.account_id, pending.username):
        flash(t("您已登录，账号注销申请已撤销，账号将继续保留。",
                "You logged in, so your account deletion was cancelled: the account stays."),
              "warning")
    request_ = login_request(pending.login_id)
    if request_ is not None and (request_.min_level > sso.level or (
            request_.passkey_required and not PASSKEY_METHODS & set(amr))):
        target = url_for("auth.level_required", login=pending.login_id)
    elif pending.door == "legal":
        target = url_for("auth.choose_entity", login=pending.login_id)
    else:
        target = return_target(request_)
    response = see_other(target)
    set_session_cookie(response, token, sso)
    set_device_cookie(response, device)
    return response


def note_first_factor(pending: PendingLogin, method: str | list[str]) -> None:
    """A pending login began with ``method`` (an RFC 8176 value, or a passwordless passkey's
    several), not the password: the step owed next (the second factor page or the new
    password, which finish with "pwd") must not claim a password."""
    session[FIRST_FACTOR] = [pending.id, method]


def _with_first_factor(pending: PendingLogin, amr: list[str]) -> list[str]:
    noted = session.pop(FIRST_FACTOR, None)
    if not noted or noted[0] != pending.id:
        return amr
    instead = noted[1] if isinstance(noted[1], list) else [noted[1]]
    return [used for method in amr for used in (instead if method == "pwd" else [method])]


def local_time(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, CST).strftime("%Y-%m-%d %H:%M")


def flash_lockout_notice(locked_at: int | None, *, advise_password: bool = True) -> None:
    """Tell the owner, at the first login after it, that their account was locked: someone
    else may have been guessing. Staff change their password at their directory, not here."""
    if not locked_at:
        return
    when = local_time(locked_at)
    zh = f"您的账号在 {when} 因多次登录失败被临时锁定。"
    en = f"Your account was temporarily locked at {when} after repeated failed logins."
    if advise_password:
        zh += "如非本人操作，请尽快修改密码。"
        en += " If that was not you, change your password."
    flash(t(zh, en), "warning")


def refusal_message(error: str, until: int | None) -> str:
    # The same words for unknown usernames and wrong passwords (no account enumeration).
    if error == "locked":
        when = local_time(until or 0)
        return t(f"登录失败次数过多，已临时锁定，请于 {when} 后再试。",
                 f"Too many failed attempts: temporarily locked until {when}.")
    if error == "delayed":
        return t("登录失败次数较多，请稍候片刻再试。",
                 "Several failed attempts: wait a moment before trying again.")
    return t("用户名或密码错误。", "Wrong username or password.")
