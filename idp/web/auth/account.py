"""GET /account ("my account"): the person, this session, signed-in sites, other sessions."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from federation.staff_accounts import staff_link
from idp.accounts.service import get_person, person_claims
from idp.authn.passkeys.credentials import list_passkeys
from idp.authn.recovery import remaining_recovery_codes
from idp.authn.totp import is_enrolled
from idp.masking import mask_id_number, mask_phone
from idp.services import services
from idp.sso.logout import end_session
from idp.web.auth.blueprints import account_bp
from idp.web.auth.login_flow import actor, local_time, see_other
from idp.web.i18n import t
from idp.web.sso_cookie import current_session


@account_bp.get("/account")
def overview():
    current = current_session()
    if current is None:
        return redirect(url_for("auth.login_form"))
    svc = services()
    token, sso = current
    person = get_person(svc, sso.account_id)
    if person is None:  # the account was deleted under a live session
        end_session(svc, token=token, actor=actor(), initiator="account_gone")
        return redirect(url_for("auth.login_form"))
    claims = person_claims(svc, person)
    others = [s for s in svc.sessions.for_account(sso.account_id) if s.sid != sso.sid]
    return render_template(
        "auth/account.html", person=person, sso=sso, others=others,
        id_number=mask_id_number(claims["id_number"]),
        phone=mask_phone(claims["phone"]) if claims["phone"] else None,
        totp=is_enrolled(svc, person.id), codes_left=remaining_recovery_codes(svc, person.id),
        local_time=local_time, staff=staff_link(svc, person.id),
        passkeys=len(list_passkeys(svc, person.id)),
    )


@account_bp.post("/account/sites/revoke")
def revoke_site():
    current = current_session()
    if current is None:
        return see_other(url_for("auth.login_form"))
    if services().sessions.revoke_participant(current[0], request.form.get("site", "")):
        flash(t("已退出该网站。", "You are signed out of that site."), "success")
    return see_other(url_for("account.overview"))


@account_bp.post("/account/sessions/end")
def end_other_session():
    current = current_session()
    if current is None:
        return see_other(url_for("auth.login_form"))
    svc = services()
    other = svc.sessions.by_sid(request.form.get("sid", "")[:64])
    # Only a session of the same account, never this one (that is the logout button).
    if other is not None and other.account_id == current[1].account_id \
            and other.sid != current[1].sid:
        end_session(svc, sid=other.sid, actor=actor(), initiator="user_other_session")
        flash(t("已结束该会话。", "That session has ended."), "success")
    return see_other(url_for("account.overview"))
