"""The account chooser for ``prompt=select_account`` (OIDC Core §3.1.2.1): a plain form that
works without JavaScript: continue as the signed-in person, or log in with another account."""

from __future__ import annotations

from flask import Response, render_template, request

from idp.accounts.service import get_person
from idp.oidc.authorization import decisions
from idp.oidc.endpoints.authorization_http import flow, pending_page, render


def select_account_page():
    page = pending_page()
    if isinstance(page, Response):
        return page
    session = page.flow.session
    person = get_person(page.flow.services, session.account_id)
    name = person.name if person is not None and person.name else session.username
    return render_template("oidc/select_account.html", client=page.client,
                           pending=page.saved.id, name=name, username=session.username,
                           acting_for=session.acting_for)


def select_account_decision():
    choice = request.form.get("choice")
    return render(decisions.select_account(
        flow(), request.form.get("pending"), continue_as_current=choice == "continue"))
