"""POST /login/staff: the third door, 工作人员 (department staff from their own directories).

The form on ``/login?door=staff`` names the directory (a select, or ``name@directory``); the
directory checks the password (``federation.staff_login``) and the login then goes on as a
password login does (``continue_login``: the second factor if one was added, then
``finish_login``): one SSO session, whatever the source.
"""

from __future__ import annotations

from flask import current_app, flash, render_template, request, session, url_for

from federation.directories import DirectorySources, list_directories
from federation.staff_login import DISABLED_SOURCE, UNAVAILABLE, split_login_name, staff_login
from idp.authn.pending import PendingLogin
from idp.authn.totp import is_enrolled
from idp.services import services
from idp.web.auth.blueprints import bp
from idp.web.auth.login_flow import (
    actor,
    continue_login,
    flash_lockout_notice,
    login_request,
    refusal_message,
    see_other,
)
from idp.web.i18n import t

STAFF_DOOR = "staff"


def directory_sources() -> DirectorySources:
    """This app's built directories (and their connection pools), made on first use."""
    return current_app.extensions.setdefault("federation.directories", DirectorySources())


def directory_choices() -> list[tuple[str, str]]:
    """(name, department) of each enabled directory, for the door's select."""
    return [(row.name, row.department) for row in list_directories(services())
            if not row.disabled]


@bp.post("/login/staff")
def staff_login_submit():
    request_ = login_request(request.form.get("login"))
    back = url_for("auth.login_form", login=request_.id if request_ else None, door=STAFF_DOOR)
    name, directory = split_login_name(request.form.get("username", "")[:128],
                                       request.form.get("directory", "")[:64])
    password = request.form.get("password", "")[:1024]
    session["login_username"] = name
    session["login_directory"] = directory
    if not name or not password or not directory:
        flash(t("请输入用户名、密码并选择所在部门目录。",
                "Enter your username and password and choose your department's directory."),
              "error")
        return see_other(back)
    result = staff_login(services(), directory_sources(), name, password, directory,
                         actor=actor(), client_id=request_.client_id if request_ else None)
    if result.error is not None:
        flash(_message(result.error, result.until), "error")
        return see_other(back)
    session.pop("login_username", None)
    session.pop("login_directory", None)
    login = result.login
    flash_lockout_notice(result.locked_at, advise_password=False)
    # A staff member who added an authenticator app on "my account" is asked for its code,
    # as a citizen is (continue_login); the directory's password alone is "pwd".
    pending = PendingLogin(login.account_id, login.username, login.level, STAFF_DOOR,
                           request_.id if request_ else None,
                           second_factor=is_enrolled(services(), login.account_id))
    return continue_login(pending)


def _message(error: str, until: int | None) -> str:
    if error == UNAVAILABLE:
        return t("该部门目录暂时不可用，请稍后再试。",
                 "The department directory is unavailable; please try again later.")
    if error == DISABLED_SOURCE:
        return t("该部门目录未启用。", "This department directory is not enabled.")
    return refusal_message(error, until)


def staff_form(request_, current):
    """GET /login?door=staff: the staff form, with the directories to choose from."""
    return render_template(
        "auth/login.html", door=STAFF_DOOR, login_id=request_.id if request_ else None,
        client_name=request_.client_name if request_ else None,
        username=session.pop("login_username", None) or "",
        directory=session.pop("login_directory", None) or "",
        directories=directory_choices(),
        signed_in_as=current[1].username if current else None,
    )
