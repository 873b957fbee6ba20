"""The consent page (asked once per client and scope set for non-first-party clients)."""

from __future__ import annotations

from flask import render_template, request

from idp.oidc import authorization
from idp.oidc import pending as pending_requests
from idp.oidc.blueprint import bp
from idp.oidc.server import oidc_server
from idp.oidc.web import flow, render
from idp.services import services
from idp.web.errors import render_error
from idp.web.i18n import t

SCOPE_TEXT = {
    "openid": ("登录身份", "Your sign-in identity"),
    "profile": ("姓名和用户名", "Your name and username"),
    "email": ("电子邮箱", "Your email address"),
    "phone": ("手机号码", "Your phone number"),
    "address": ("地址", "Your address"),
    "id_card": ("居民身份证号码", "Your resident ID number"),
    "legal_person": ("您代表的法人信息", "The legal person you act for"),
    "offline_access": ("在您离线时保持访问", "Access while you are away"),
}


@bp.get("/authorize/consent")
def consent_page():
    saved = pending_requests.load(services().store, request.args.get("pending"))
    current = flow()
    if saved is None or current.session is None:
        return render_error(400, t("授权请求已过期。", "The request expired."))
    client = oidc_server().query_client((saved.params.get("client_id") or [None])[0])
    if client is None:
        return render_error(400)
    scopes = (saved.params.get("scope") or [""])[0].split()
    items = [t(*SCOPE_TEXT[s]) for s in scopes if s in SCOPE_TEXT and s in client.allowed_scopes]
    return render_template("oidc/consent.html", client=client, items=items, pending=saved.id,
                           username=current.session.username)


@bp.post("/authorize/consent")
def consent_decision():
    approved = request.form.get("decision") == "allow"
    return render(authorization.resume(flow(), request.form.get("pending"), consent=approved))
