"""GET /account/history: the person's own logins, sites and security events, newest first."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from idp.privacy.history import history
from idp.services import services
from idp.web.auth.blueprints import account_bp
from idp.web.auth.login_flow import CST
from idp.web.sso_cookie import current_session


@account_bp.get("/account/history")
def history_page():
    current = current_session()
    if current is None:
        return redirect(url_for("auth.login_form"))
    page = history(services(), current[1].account_id, request.args.get("after", "")[:64])
    return render_template("auth/account_history.html", page=page,
                           first=not request.args.get("after"),
                           when=lambda at: at.astimezone(CST).strftime("%Y-%m-%d %H:%M:%S"))
