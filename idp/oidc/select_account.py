"""The account chooser for ``prompt=select_account`` (OIDC Core §3.1.2.1): a plain form that
works without JavaScript: continue as the signed-in person, or log in with another account."""

from __future__ import annotations

from flask import render_template, request

from idp.accounts.service import get_person
from idp.oidc import authorization
from idp.oidc import pending as pending_requests
from idp.oidc.blueprint import bp
from idp.oidc.server import oidc_server
from idp.oidc.web import flow, render
from idp.services import services
from idp.web.errors import render_error
from idp.web.i18n import t


@bp.get("/authorize/select-account")
def select_account_page():
    saved = pending_requests.load(services().store, request.args.get("pending"))
    current = flow()
    if saved is None or current.session is None:
        return render_error(400, t("授权请求已过期。", "The request expired."))
    client = oidc_server().query_client((saved.params.get("client_id") or [None])[0])
    if client is None:
        return render_error(400)
    person = get_person(current.services, current.session.account_id)
    name = person.name if person is not None and person.name else current.session.username
    return render_template("oidc/select_account.html", client=client, pending=saved.id,
                           name=name, username=current.session.username,
                           acting_for=current.session.acting_for)


@bp.post("/authorize/select-account")
def select_account_decision():
    choice = request.form.get("choice")
    return render(authorization.select_account(
        flow(), request.form.get("pending"), continue_as_current=choice == "continue"))
