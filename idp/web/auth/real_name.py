"""/account/verify: real-name verification (level 2) against the population register.

The work is ``idp.verification.real_name``; the register being down answers the 503 "service
unavailable" page, never a refusal (the person did nothing wrong).
"""

from __future__ import annotations

import logging

from flask import flash, redirect, render_template, request, url_for

from idp.accounts.errors import AccountError
from idp.accounts.service import get_person
from idp.services import services
from idp.verification.errors import VerificationError
from idp.verification.real_name import is_verified, raise_session_level, verify_real_name
from idp.verification.registers import RegisterUnavailable
from idp.web.auth.blueprints import account_bp
from idp.web.auth.login_flow import actor, login_request, return_target, see_other
from idp.web.i18n import t
from idp.web.sso_cookie import current_session

log = logging.getLogger(__name__)


def register_unavailable(error: RegisterUnavailable):
    log.warning("register unavailable: %s", error.detail)
    page = render_template("auth/register_unavailable.html")
    return page, 503, {"Retry-After": "60"}


@account_bp.get("/account/verify")
def verify_form():
    current = current_session()
    if current is None:
        return redirect(url_for("auth.login_form"))
    person = get_person(services(), current[1].account_id)
    request_ = login_request(request.args.get("login"))
    if person is None or is_verified(person):
        return redirect(return_target(request_))
    return render_template("auth/verify.html", name=person.name, error=None,
                           login_id=request_.id if request_ else None)


@account_bp.post("/account/verify")
def verify_submit():
    current = current_session()
    if current is None:
        return see_other(url_for("auth.login_form"))
    svc, (token, sso) = services(), current
    # A relying party's login waiting on this verification (/login/level) goes on after it.
    request_ = login_request(request.form.get("login"))
    login_id = request_.id if request_ else None
    name = request.form.get("name", "")[:64]
    try:
        person = verify_real_name(svc, actor(), sso.account_id, name=name,
                                  id_number=request.form.get("id_number", "")[:32])
    except (AccountError, VerificationError) as error:
        status = 429 if error.code == "too_many_tries" else 400
        return render_template("auth/verify.html", name=name, error=error,
                               login_id=login_id), status
    except RegisterUnavailable as error:
        return register_unavailable(error)
    raise_session_level(svc, token, sso, person.assurance_level)
    flash(t("实名认证成功，账号已升级为二级（L2）。", "Verified: your account is now level 2."),
          "success")
    return see_other(return_target(request_))
