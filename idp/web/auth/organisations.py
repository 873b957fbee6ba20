"""My organisations (我的单位): register a company as its legal representative
(/account/entities/new), manage its agents (/account/entities/<code>), and answer an
invitation to be an agent. The work is in ``idp.verification`` and ``idp.accounts.service``
(``revoke_agent``, the CLI's own)."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for

from idp.accounts.errors import AccountError
from idp.accounts.service import get_person
from idp.services import services
from idp.sso.acting import entities_for
from idp.verification import invitations
from idp.verification.entities import agents_of, register_entity, represented, revoke_agent_now
from idp.verification.errors import VerificationError
from idp.verification.real_name import is_verified
from idp.verification.registers import RegisterUnavailable
from idp.web.auth.blueprints import account_bp
from idp.web.auth.login_flow import actor, see_other
from idp.web.auth.real_name import register_unavailable
from idp.web.i18n import t
from idp.web.sso_cookie import current_session


@account_bp.context_processor
def _organisations() -> dict:
    # For /account's "my organisations" section (auth/account_organisations.html).
    svc = services()
    return {"my_entities": lambda person_id: entities_for(svc, person_id),
            "my_invitations": lambda person_id: invitations.pending_for_person(svc, person_id),
            "is_verified": is_verified, "first_day": invitations.first_day,
            "last_day": invitations.last_day}


def _account_id() -> str:
    current = current_session()
    if current is None:
        abort(redirect(url_for("auth.login_form"), code=303))
    return current[1].account_id


@account_bp.get("/account/entities/new")
def entity_new_form():
    return render_template("auth/organisation_new.html", error=None, form={},
                           verified=is_verified(get_person(services(), _account_id())))


@account_bp.post("/account/entities/new")
def entity_new_submit():
    account_id, form = _account_id(), {k: request.form.get(k, "")[:200]
                                      for k in ("credit_code", "name")}
    try:
        legal = register_entity(services(), actor(), account_id, **form)
    except (AccountError, VerificationError) as error:
        status = 429 if error.code == "too_many_tries" else 400
        return render_template("auth/organisation_new.html", error=error, form=form,
                               verified=True), status
    except RegisterUnavailable as error:
        return register_unavailable(error)
    flash(t("单位登记成功，您是其法定代表人。", "Registered: you are its legal representative."),
          "success")
    return see_other(url_for("account.entity_page", code=legal.credit_code))


@account_bp.get("/account/entities/<code>")
def entity_page(code: str):
    svc = services()
    try:
        legal = represented(svc, _account_id(), code)
    except VerificationError:
        abort(404)
    return render_template("auth/organisation.html", legal=legal, error=None,
                           agents=agents_of(svc, legal.id),
                           pending=invitations.pending_for_entity(svc, legal.id))


@account_bp.post("/account/entities/<code>/invite")
def entity_invite(code: str):
    try:
        invitations.invite(services(), actor(), _account_id(), code,
                           who=request.form.get("who", "")[:64],
                           start=_day(request.form.get("valid_from")),
                           end=_day(request.form.get("valid_until")))
        flash(t("邀请已发出，对方在“我的账号”中接受后生效。",
                "Invitation sent: it takes effect when they accept it on their account page."),
              "success")
    except (AccountError, VerificationError) as error:
        flash(error.description, "error")
    return see_other(url_for("account.entity_page", code=code))


@account_bp.post("/account/entities/<code>/revoke")
def entity_revoke(code: str):
    svc, account_id = services(), _account_id()
    try:
        represented(svc, account_id, code)
        revoke_agent_now(svc, actor(), credit_code=code, username=request.form.get("username", ""),
                     revoked_by=get_person(svc, account_id).username)
        flash(t("已撤销该经办人的授权。", "The agent's authorisation is revoked."), "success")
    except (AccountError, VerificationError) as error:
        flash(error.description, "error")
    return see_other(url_for("account.entity_page", code=code))


@account_bp.post("/account/entities/<code>/withdraw")
def entity_withdraw(code: str):
    try:
        invitations.withdraw(services(), actor(), _account_id(), code,
                             request.form.get("invitation", "")[:36])
        flash(t("已撤回邀请。", "The invitation is withdrawn."), "success")
    except VerificationError as error:
        flash(error.description, "error")
    return see_other(url_for("account.entity_page", code=code))


@account_bp.post("/account/invitations/<invitation_id>")
def invitation_answer(invitation_id: str):
    accept = request.form.get("decision") == "accept"
    try:
        done = invitations.answer(services(), actor(), _account_id(), invitation_id,
                                  accept=accept)
        flash(t(f"您已成为“{done.legal_person}”的经办人。", f"You are now an agent of "
                f"{done.legal_person}.") if accept else t("已拒绝邀请。", "Declined."), "success")
    except (AccountError, VerificationError) as error:
        flash(error.description, "error")
    return see_other(url_for("account.overview"))


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value and value.strip() else None
    except ValueError:
        raise AccountError("invalid_validity") from None
