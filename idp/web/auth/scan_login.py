"""The PC side of scan to log in (扫码登录): the QR code on the login page's scan tab, the
page's status check (polled by a small first-party script) and the finishing POST (sent by
that script once the phone confirms, or by the "我已在手机上确认" button without JavaScript).

The browser is bound to its QR requests by a cookie holding a random secret (only its hash is
in each request); the cookie is HttpOnly, SameSite=Strict and scoped to /login, so only this
browser's own pages can finish a request it showed. The work is in
``idp.authn.scan_login``.
"""

from __future__ import annotations

import time

import qrcode
import qrcode.image.svg
from flask import after_this_request, flash, jsonify, request, url_for
from markupsafe import Markup

from idp.authn.pending import PendingLogin
from idp.authn.scan_login import (
    AMR,
    SCAN_TTL,
    ScanRefusal,
    ScanState,
    load_scan,
    new_browser_secret,
    start_scan,
    state_for_browser,
    use_scan,
)
from idp.services import services
from idp.sso.first_factors import FirstFactor
from idp.sso.login_request import LoginRequest
from idp.web.auth.blueprints import bp
from idp.web.auth.login_flow import actor, door_of, finish_login, login_request, see_other
from idp.web.auth.login_methods import refused
from idp.web.i18n import t

COOKIE = "yiwang_scan"
COOKIE_PATH = "/login"  # the login page (which reuses the secret) and /login/scan/*


def scan_context(request_: LoginRequest | None) -> dict:
    """A QR request for this browser (its cookie set on the page's response) and what the
    scan tab shows: the code as inline SVG, the request id, the seconds it has left (no code
    when this IP has asked for too many). The page's own request (``?scan=``, after "I
    confirmed" came too early) is shown again while it is still open, so a code already
    scanned stays the one to confirm."""
    secret = request.cookies.get(COOKIE) or new_browser_secret()
    svc, now = services(), int(time.time())
    asked = request.args.get("scan")
    if state_for_browser(svc, asked, secret, now) in (ScanState.WAITING, ScanState.SCANNED):
        scan = load_scan(svc, asked)
    else:
        scan = start_scan(svc, actor(), secret, login_id=request_.id if request_ else None,
                          site=request_.client_name if request_ else None,
                          client_id=request_.client_id if request_ else None, now=now)
    if scan is None:
        return {"scan_id": None, "scan_svg": None, "scan_ttl": SCAN_TTL}

    @after_this_request
    def bind_browser(response):
        response.set_cookie(COOKIE, secret, max_age=24 * 3600, path=COOKIE_PATH, httponly=True,
                            samesite="Strict", secure=services().settings.secure_cookies)
        response.headers["Cache-Control"] = "no-store"
        return response

    url = f"{services().settings.issuer}/scan/{scan.id}"
    # Drawn here (the library TOTP enrolment uses), inline: no image request, no third party.
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode").replace(
        "<svg ", f'<svg role="img" aria-label="{t("扫码登录二维码", "QR code to log in")}" ', 1)
    # Markup of our own: the path is drawn from the URL's bits, the label is ours.
    return {"scan_id": scan.id, "scan_svg": Markup(svg),  # noqa: S704
            "scan_ttl": max(0, scan.expires_at - now)}


@bp.get("/login/scan/status")
def scan_status():
    """The state of this browser's request, for the page's script: waiting, scanned,
    confirmed, denied, expired (or unknown: not this browser's)."""
    state = state_for_browser(services(), request.args.get("id"), request.cookies.get(COOKIE))
    response = jsonify({"state": str(state) if state else "unknown"})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/login/scan/finish")
def scan_finish():
    scan_id = request.form.get("id", "")[:64]
    form_request = login_request(request.form.get("login"))
    door = door_of(request.form.get("door"), form_request)
    back = url_for("auth.login_form", login=form_request.id if form_request else None,
                   door=door, method="scan", scan=scan_id or None)
    result = use_scan(services(), actor(), scan_id, request.cookies.get(COOKIE))
    if isinstance(result, ScanRefusal):
        flash(_refusal_message(result), "error" if result != ScanRefusal.NOT_CONFIRMED
              else "warning")
        return see_other(back)
    if refused(login_request(result.login_id), FirstFactor.SCAN):  # used up, nobody logged in
        return see_other(url_for("auth.login_form", login=result.login_id, door=door))
    # The request's own login request, not the form's: the one the QR code was shown for.
    pending = PendingLogin(result.account_id or "", result.username or "", result.level or 1,
                           door, result.login_id)
    return finish_login(pending, [AMR])


def _refusal_message(refusal: ScanRefusal) -> str:
    if refusal is ScanRefusal.NOT_CONFIRMED:
        return t("尚未在手机上确认，请在政务App中确认登录后再点击。",
                 "Not confirmed on the phone yet: confirm in the app, then click again.")
    if refusal is ScanRefusal.DECIDED:
        return t("登录已在手机上被拒绝，请刷新二维码。",
                 "The login was denied on the phone: refresh the QR code.")
    if refusal is ScanRefusal.EXPIRED:
        return t("二维码已过期，请刷新后重新扫描。",
                 "The QR code expired: refresh it and scan again.")
    return t("二维码无效或已使用，请刷新后重新扫描。",
             "The QR code is not valid or was already used: refresh it and scan again.")
