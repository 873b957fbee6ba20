"""GET /admin/login, GET /admin/callback, POST /admin/logout: console sign-in through the IdP.

The console is a first-party OIDC client (``admin.signin``) of this very IdP: it signs in
as any relying party does, so the console gets no back door around login policy.
"""

from __future__ import annotations

import logging

from flask import flash, redirect, request, session, url_for

from admin.access import load_grants
from admin.first_party import ensure_console_client
from admin.principal import Admin
from admin.signin import Attempt, SignInFailed, begin, finish
from admin.trail import record_action
from admin.web import session as console
from admin.web.blueprints import bp
from admin.web.guard import actor
from idp.accounts.service import get_person
from idp.audit import EventType, Outcome, record
from idp.oidc.provider_metadata import metadata
from idp.services import services
from idp.web.errors import render_error
from idp.web.i18n import t

log = logging.getLogger(__name__)


def _oidc_endpoints() -> dict[str, str]:
    # The provider's own discovery document (in-process: the same dict it serves).
    return metadata(services().settings)


def _next_path() -> str:
    target = request.args.get("next", "")
    ok = target.startswith("/admin") and not target.startswith(("//", "/\\"))
    return target if ok else url_for("admin.home")


@bp.get("/login")
def login():
    if console.current() is not None:
        return redirect(_next_path(), code=303)
    svc = services()
    endpoints = _oidc_endpoints()
    client_id = ensure_console_client(svc)
    attempt, url = begin(svc.settings.issuer, client_id, endpoints["authorization_endpoint"])
    session[console.ATTEMPT] = {**attempt.to_dict(), "next": _next_path()}
    return redirect(url, code=303)


@bp.get("/callback")
def callback():
    saved = session.get(console.ATTEMPT) or {}
    if not saved.get("state"):
        return render_error(400, t("登录已过期，请重新登录。", "The sign-in expired; start again."))
    attempt = Attempt(saved["state"], saved["nonce"], saved["verifier"], saved["client_id"])
    args = {k: v[:4096] for k, v in request.args.items()}
    try:
        identity = finish(services(), attempt, args, _oidc_endpoints()["token_endpoint"])
    except SignInFailed as exc:
        session.pop(console.ATTEMPT, None)
        log.info("console sign-in refused: %s", exc.reason)
        return render_error(403, t("管理控制台登录失败，需使用第二因素（动态口令）登录。",
                                   "Console sign-in failed: a second factor is required."))
    return _enter(identity.account_id, saved.get("next"))


def _enter(account_id: str, target: str | None):
    svc = services()
    person = get_person(svc, account_id)
    grants = load_grants(svc, account_id) if person else []
    if person is None or person.disabled or not grants:
        with svc.db.begin() as db:
            record(db, EventType.ADMIN_ACTION, Outcome.FAILURE, actor=actor(),
                   account_id=account_id, action="console.signin", reason="no_admin_role")
        session.pop(console.ATTEMPT, None)
        # Often a new administrator signing in before their role is granted: say who grants it.
        return render_error(403, t(
            "此账号没有管理员角色：请安全管理员在“管理员”页面授予角色后再登录。",
            "This account holds no admin role: the security administrator grants one on the "
            "Administrators page; then sign in again."))
    console.start(person.id, person.username)
    with svc.db.begin() as db:
        record_action(db, Admin(person.id, person.username, grants, actor()), "console.signin",
                      "sign-in", target=person.username)
    flash(t("已登录管理控制台。", "Signed in to the admin console."), "success")
    ok = (target or "").startswith("/admin") and not (target or "").startswith("//")
    return redirect(target if ok else url_for("admin.home"), code=303)


@bp.post("/logout")
def logout():
    console.end()
    flash(t("已退出管理控制台。", "Signed out of the admin console."), "success")
    return redirect(url_for("home.index"), code=303)
