"""The verification URI (RFC 8628 §3.3): ``/device``, where a person types the code the
terminal shows, logs in through the usual login pages if need be, and answers "is this your
device?" at ``/device/confirm``. Plain forms (no script needed), CSRF-protected; the request
being reviewed is kept in the browser's signed session, never in the URL."""

from __future__ import annotations

from flask import Response, make_response, redirect, render_template, request, session

from idp.oidc.audit_actor import actor
from idp.oidc.device import device_requests, entry_limits, review
from idp.oidc.device.user_codes import normalised, shown
from idp.oidc.endpoints.consent import SCOPE_TEXT
from idp.oidc.server import oidc_server
from idp.services import services
from idp.web.device_cookie import device_id, set_device_cookie
from idp.web.i18n import t
from idp.web.sso_cookie import current_session

_REVIEWING = "device_request"  # Flask session key: the request id being reviewed


def enter_page():
    """The code form; ``verification_uri_complete`` fills it in (the person still confirms)."""
    code = normalised(request.args.get("user_code"))
    return render_template("oidc/device_code.html", user_code=shown(code) if code else "")


def enter_code():
    svc, browser = services(), device_id()
    who = entry_limits.Enterer(browser=browser, address=request.remote_addr)
    entered = request.form.get("user_code", "")[:32]
    if entry_limits.locked(svc.store, who):
        response = _code_form(429, entered, t(
            "错误次数过多，请 15 分钟后再试。", "Too many wrong codes: try again in 15 minutes."))
    else:
        code = normalised(entered)
        found = device_requests.by_user_code(svc.store, code) if code else None
        if found is None:
            if entry_limits.count_wrong(svc.store, who):
                review.audit_lockout(svc, actor())
            response = _code_form(400, entered, t(
                "代码不正确或已过期，请核对设备屏幕上显示的代码。",
                "That code is wrong or has expired: check the code on the device's screen."))
        else:
            session[_REVIEWING] = found.id
            response = redirect(review.CONFIRM_PATH, code=303)
    set_device_cookie(response, browser)  # wrong codes are counted per browser
    return response


def confirm_page():
    loaded = _reviewed()
    if isinstance(loaded, Response):
        return loaded
    device_request, client = loaded
    step = _step(device_request, client)
    if not isinstance(step, review.AskPerson):
        return step
    current = current_session()
    scopes = device_request.scope.split()
    return render_template(
        "oidc/device_confirm.html", client=client, user_code=shown(device_request.user_code),
        items=[t(*SCOPE_TEXT[s]) for s in scopes if s in SCOPE_TEXT],
        username=current[1].username)


def confirm_decision():
    loaded = _reviewed()
    if isinstance(loaded, Response):
        return loaded
    device_request, client = loaded
    step = _step(device_request, client)
    if not isinstance(step, review.AskPerson):
        return step
    approved = request.form.get("decision") == "approve"
    _, sso = current_session()
    if not review.answer(services(), device_request, sso, actor(), approved=approved):
        return _done(400, t("该代码已被处理或已过期。",
                            "This code was already answered or has expired."))
    session.pop(_REVIEWING, None)
    if approved:
        return _done(200, t("已授权。请回到设备上继续，本页可以关闭。",
                            "Approved. Go back to the device; you may close this page."),
                     heading=t("设备已登录", "Device signed in"))
    return _done(200, t("该设备不会获得您账号的访问权。",
                        "Denied: the device gets no access to your account."),
                 heading=t("已拒绝", "Denied"))


def _reviewed():
    """(request, client) under review in this browser, or the page to show instead."""
    device_request = device_requests.load(services().store, session.get(_REVIEWING))
    client = oidc_server().query_client(device_request.client_id) if device_request else None
    if device_request is None or not device_request.pending or client is None:
        session.pop(_REVIEWING, None)
        return _done(400, t("该代码已失效，请在设备上重新获取。",
                            "This code is no longer valid: get a new one on the device."))
    return device_request, client


def _step(device_request, client):
    """AskPerson, or the response that replaces the question (login, refusal)."""
    current = current_session()
    step = review.next_step(services(), device_request, client,
                            current[1] if current else None, actor())
    if isinstance(step, review.GoLogin):
        return redirect(f"/login?login={step.login_id}", code=303)
    if isinstance(step, review.Refused):
        session.pop(_REVIEWING, None)
        return _done(403, t("该应用不接受此类账号（个人或工作人员），设备未获授权。",
                            "This application does not admit this kind of account: the "
                            "device was not signed in."))
    return step


def _code_form(status: int, entered: str, error: str):
    return make_response(
        render_template("oidc/device_code.html", user_code=entered, error=error), status)


def _done(status: int, message: str, heading: str | None = None):
    return make_response(render_template("oidc/device_done.html", message=message,
                                         heading=heading or t("设备登录", "Device sign-in")),
                         status)
