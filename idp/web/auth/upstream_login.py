"""Logging in through an upstream identity provider (issue 15): the login page's buttons,
``/federation/<name>/start`` and ``/federation/<name>/callback``, the first login's choice
(a new account, or an existing one confirmed with its password), and the upstream's
back-channel logout. The work is in ``federation.upstream_login``; a login that arrives ends
in ``finish_login`` like every other, with ``amr`` ["fed", ...].
"""

from __future__ import annotations

import hmac

from flask import abort, flash, redirect, render_template, request, session, url_for

from federation.contract import SourceError, SourceUnavailable
from federation.upstream_login import (
    FIRST_FACTOR,
    NOT_ALLOWED,
    UpstreamNotAllowed,
    arrive,
    begin,
    choose_existing,
    choose_new,
    failed,
    held,
    hold,
    peek,
)
from federation.upstream_logout import backchannel_logout
from federation.upstream_sessions import remember
from federation.upstreams import (
    UpstreamDisabled,
    enabled_upstream,
    enabled_upstreams,
    get_upstream,
)
from idp.authn.password_login import password_login
from idp.authn.pending import PendingLogin
from idp.services import services
from idp.sso.first_factors import FirstFactor
from idp.sso.login_request import LoginRequest
from idp.sso.policy import allowed_first_factors, upstream_allowed
from idp.sso.session import COOKIE_NAME
from idp.web.auth.blueprints import bp
from idp.web.auth.login_flow import actor, expired, finish_login, login_request, see_other
from idp.web.csrf import exempt
from idp.web.i18n import t

# The Flask session's [name, state]: the callback must come back to this browser.
STATE = "upstream_state"
CHOICE = "upstream_choice"
BOUNCED = "_bounced"  # the callback's own re-POST (SAML), once
# Methods an upstream reports that must not count as our own second factor (idp.sso.establish
# would raise the level for them): the upstream's level is already its ceiling.
_LOCAL_FACTORS = frozenset({"otp", "hwk", "swk"})


def upstream_buttons(login_id: str | None) -> list[tuple[str, str]]:
    """(name, display name) of each enabled upstream the pending request allows (its relying
    party accepts the first factor ``upstream`` and names this one, or names none)."""
    request_ = login_request(login_id)
    if FirstFactor.UPSTREAM not in allowed_first_factors(request_):
        return []
    return [(name, display) for name, display in enabled_upstreams(services())
            if upstream_allowed(request_, name)]


@bp.record_once
def _install(state) -> None:
    from federation.upstream_logout import install

    install(state.app.extensions["yiwang"])
    state.app.jinja_env.globals["upstream_buttons"] = upstream_buttons


@bp.get("/federation/<name>/start")
def upstream_start(name: str):
    login_id = request.args.get("login")
    request_ = login_request(login_id)
    if login_id and request_ is None:
        return expired()
    if _refused(request_, name):
        return see_other(url_for("auth.login_form", login=login_id))
    try:
        url, state = begin(services(), name, login_id=request_.id if request_ else None)
    except UpstreamDisabled:
        abort(404)
    except SourceError as exc:
        return _unavailable(name, request_, exc)
    session[STATE] = [name, state]
    return redirect(url, code=303)


@bp.route("/federation/<name>/callback", methods=["GET", "POST"])
@exempt  # SAML HTTP-POST binding: the upstream's form; bound to this browser by its state
def upstream_callback(name: str):
    if request.method == "POST":
        if STATE not in session and not request.form.get(BOUNCED):
            # A cross-site POST carries no Lax cookie: post it again from our own page.
            return render_template("saml/post.html", url=request.url,
                                   fields={**request.form.to_dict(), BOUNCED: "1"})
        params = {k: v[:262144] for k, v in request.form.items() if k != BOUNCED}
    else:
        params = {k: v[:4096] for k, v in request.args.items()}
    bound = session.pop(STATE, None)
    state = params.get("state") or params.get("RelayState") or ""
    # Login CSRF (RFC 6749 §10.12): the callback must come back to the browser that started.
    if not bound or bound[0] != name or not hmac.compare_digest(
            str(bound[1]).encode(), state.encode()):
        params["state"] = params["RelayState"] = ""  # still audited as a refusal by arrive()
    try:
        arrival = arrive(services(), name, params=params, actor=actor(), client_id=None)
    except UpstreamDisabled:
        abort(404)
    except UpstreamNotAllowed as exc:  # audited by arrive(); back to the ways the page offers
        flash(t(exc.description, "This service does not accept that identity provider: use a "
                "way the page offers."), "error")
        return see_other(url_for("auth.login_form", login=exc.login_id))
    except SourceError as exc:
        return _unavailable(name, None, exc)
    if arrival.login is None:
        session[CHOICE] = hold(services(), arrival)
        return see_other(url_for("auth.upstream_choice"))
    return _finish(arrival.login, arrival.identity, arrival.login_id)


@bp.get("/federation/choose")
def upstream_choice():
    kept = peek(services(), session.get(CHOICE))
    if kept is None:
        return expired()
    source = kept["identity"]["source"]
    try:
        provider = enabled_upstream(services(), source).display_name
    except UpstreamDisabled:
        return expired()
    return render_template("auth/upstream_choice.html", provider=provider,
                           name=kept["identity"]["attributes"].get("name", ""))


@bp.post("/federation/choose")
def upstream_choose():
    choice = session.get(CHOICE)
    if request.form.get("choice") == "existing":
        person = _confirmed_account()
        if person is None:
            return see_other(url_for("auth.upstream_choice"))
    found = held(services(), choice)
    session.pop(CHOICE, None)
    if found is None:
        return expired()
    identity, login_id = found
    request_ = login_request(login_id)
    client_id = request_.client_id if request_ else None
    try:
        if request.form.get("choice") == "existing":
            login = choose_existing(services(), identity, person.id, actor=actor(),
                                    client_id=client_id)
            flash(t("已关联您的账号，今后可直接通过该身份提供方登录。",
                    "Linked: you can now log in to this account through that provider."),
                  "success")
        else:
            login = choose_new(services(), identity, actor=actor(), client_id=client_id)
    except SourceError as exc:
        return _unavailable(identity.source, request_, exc)
    return _finish(login, identity, login_id)


@bp.post("/federation/<name>/backchannel-logout")
@exempt  # OpenID Back-Channel Logout 1.0: a server's POST, authenticated by the signed token
def upstream_backchannel_logout(name: str):
    token = request.form.get("logout_token", "")
    headers = {"Cache-Control": "no-store"}
    try:
        backchannel_logout(services(), name, token[:16384], actor=actor())
    except UpstreamDisabled:
        return {"error": "invalid_request"}, 400, headers
    except SourceUnavailable:
        return {"error": "temporarily_unavailable"}, 503, headers
    except SourceError as exc:
        return {"error": "invalid_request", "error_description": exc.description}, 400, headers
    return "", 200, headers


def _confirmed_account():
    """The account whose password was typed on the choice page (counted and audited like a
    login: ``password_login``), or None with the reason flashed."""
    username = request.form.get("username", "")[:128]
    password = request.form.get("password", "")[:1024]
    if not username.strip() or not password:
        flash(t("请输入已有账号的用户名和密码。",
                "Enter the existing account's username and password."), "error")
        return None
    result = password_login(services(), username, password, door="person", actor=actor())
    if result.error is not None:
        flash(t("用户名或密码错误，未关联。", "Wrong username or password: nothing was linked."),
              "error")
        return None
    return result.person


def _finish(login, identity, login_id: str | None):
    pending = PendingLogin(login.account_id, login.username, login.level, "person", login_id)
    amr = [m for m in login.amr if m not in _LOCAL_FACTORS]
    response = finish_login(pending, amr, upstream=login.source)
    sid = _new_sid(response)
    if sid:
        remember(services(), sid, login.source, dict(identity.attributes))
    return response


def _new_sid(response) -> str | None:
    # The SSO cookie finish_login just set: "<sid>.<secret>" (idp.sso.session).
    for header in response.headers.getlist("Set-Cookie"):
        name, _, rest = header.partition("=")
        if name == COOKIE_NAME:
            return rest.split(";", 1)[0].split(".", 1)[0] or None
    return None


def _refused(request_: LoginRequest | None, name: str) -> bool:
    """True (flashed and audited) when the pending request's relying party refuses logins
    through upstreams, or names others than ``name`` (issue 15)."""
    if upstream_allowed(request_, name):
        return False
    client_id = request_.client_id[:128] if request_ and request_.client_id else None
    if FirstFactor.UPSTREAM not in allowed_first_factors(request_):
        failed(services(), actor(), name, client_id, FIRST_FACTOR)
        flash(t("此服务不接受通过其他身份提供方登录，请使用页面上提供的方式。",
                "This service does not accept other identity providers: use a way the page "
                "offers."), "error")
        return True
    failed(services(), actor(), name, client_id, NOT_ALLOWED)
    row = get_upstream(services(), name)
    shown = row.display_name if row is not None else name[:32]
    flash(t(f"此服务不接受通过「{shown}」登录，请使用页面上提供的方式。",
            f"This service does not accept logging in through {shown}: use a way the page "
            "offers."), "error")
    return True


def _unavailable(name: str, request_: LoginRequest | None, exc: SourceError):
    down = isinstance(exc, SourceUnavailable)
    return render_template(
        "auth/upstream_unavailable.html", down=down, description=exc.description,
        login_id=request_.id if request_ else None,
    ), 503 if down else 400
