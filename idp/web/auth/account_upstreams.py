""""My account" → 已关联的身份提供方 (issue 15): which upstream identity providers log in to this
account, since when and last used, and removing one after a fresh re-authentication (the
password within five minutes: ``idp.authn.reauth``, or a login that just happened)."""

from __future__ import annotations

import time

from flask import flash, redirect, render_template, request, url_for

from federation.linking import UNUSABLE_PREFIX, links_of, unlink
from federation.upstreams import get_upstream
from idp.accounts.service import get_person
from idp.authn.reauth import FRESH_SECONDS, confirm_password, is_fresh
from idp.services import services
from idp.web.auth.blueprints import account_bp
from idp.web.auth.login_flow import actor, local_time, see_other
from idp.web.i18n import t
from idp.web.sso_cookie import current_session


def upstream_links(account_id: str) -> list[dict]:
    """The account's links with their providers' names (the account page's card)."""
    svc = services()
    rows = []
    for link in links_of(svc, account_id):
        provider = get_upstream(svc, link.source)
        rows.append({"id": link.id, "source": link.source,
                     "provider": provider.display_name if provider else link.source,
                     "created": local_time(int(link.created.timestamp())),
                     "last_used": local_time(int(link.last_used.timestamp()))})
    return rows


@account_bp.record_once
def _install(state) -> None:
    state.app.jinja_env.globals["upstream_links"] = upstream_links


@account_bp.get("/account/links/<link_id>/remove")
def upstream_unlink_form(link_id: str):
    current = current_session()
    if current is None:
        return redirect(url_for("auth.login_form"))
    link = _own(current[1].account_id, link_id)
    if link is None:
        return redirect(url_for("account.overview"))
    return render_template("auth/account_upstream_remove.html", link=link,
                           username=current[1].username, fresh=_fresh(current[1]))


@account_bp.post("/account/links/<link_id>/remove")
def upstream_unlink(link_id: str):
    current = current_session()
    if current is None:
        return see_other(url_for("auth.login_form"))
    svc, sso = services(), current[1]
    link = _own(sso.account_id, link_id)
    if link is None:
        return see_other(url_for("account.overview"))
    # NIST SP 800-63B §7.2: re-authenticate before taking away a way to log in.
    if not _fresh(sso) and not confirm_password(
            svc, sso.account_id, request.form.get("password", ""), actor=actor(),
            purpose="upstream_unlink", sid=sso.sid):
        flash(t("密码不正确，未解除关联。", "Wrong password: nothing was unlinked."), "error")
        return see_other(url_for("account.upstream_unlink_form", link_id=link_id))
    if _last_way_in(sso.account_id):
        flash(t("该账号尚未设置密码，解除后将无法登录。请先设置密码。",
                "This account has no password yet: unlinking would lock you out. Set one first."),
              "error")
        return see_other(url_for("account.overview"))
    if unlink(svc, sso.account_id, link_id, actor=actor(), provider_name=link["provider"]):
        flash(t(f"已解除与{link['provider']}的关联。",
                f"Unlinked from {link['provider']}."), "success")
    return see_other(url_for("account.overview"))


def _own(account_id: str, link_id: str) -> dict | None:
    return next((row for row in upstream_links(account_id) if row["id"] == link_id), None)


def _fresh(sso) -> bool:
    """A password typed in the last five minutes, or a login (through the upstream itself,
    for an account without a password) that recent."""
    return is_fresh(services(), sso.sid) or time.time() - sso.auth_time <= FRESH_SECONDS


def _last_way_in(account_id: str) -> bool:
    person = get_person(services(), account_id)
    has_password = person is not None and not person.password_hash.startswith(UNUSABLE_PREFIX)
    return not has_password and len(links_of(services(), account_id)) <= 1
