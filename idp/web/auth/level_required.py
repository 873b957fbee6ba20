"""GET /login/level: the page saying a relying party needs a higher assurance level than this
login reached, and the person's own level."""

from __future__ import annotations

from flask import render_template, request

from idp.accounts.service import get_person
from idp.services import services
from idp.web.auth.blueprints import bp
from idp.web.auth.login_flow import login_request
from idp.web.sso_cookie import current_session


@bp.get("/login/level")
def level_required():
    """The relying party needs a higher assurance level than this login reached."""
    current = current_session()
    request_ = login_request(request.args.get("login"))
    person_level = None
    if current is not None:
        person = get_person(services(), current[1].account_id)
        person_level = person.assurance_level if person else None
    return render_template(
        "auth/level_required.html", request_=request_, session_=current[1] if current else None,
        person_level=person_level,
    )
