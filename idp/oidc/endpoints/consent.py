"""The consent page (asked once per client and scope set for non-first-party clients)."""

from __future__ import annotations

from flask import Response, render_template, request

from idp.oidc.authorization import decisions
from idp.oidc.endpoints.authorization_http import flow, pending_page, render
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


def consent_page():
    page = pending_page()
    if isinstance(page, Response):
        return page
    scopes = (page.saved.params.get("scope") or [""])[0].split()
    items = [t(*SCOPE_TEXT[s]) for s in scopes
             if s in SCOPE_TEXT and s in page.client.allowed_scopes]
    return render_template("oidc/consent.html", client=page.client, items=items,
                           pending=page.saved.id, username=page.flow.session.username)


def consent_decision():
    approved = request.form.get("decision") == "allow"
    return render(decisions.resume(flow(), request.form.get("pending"), consent=approved))
