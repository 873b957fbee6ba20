"""Assisted recovery in the JSON API: the same services as the person's console page."""

from __future__ import annotations

from dataclasses import asdict

from admin import account_recovery
from admin.roles import Permission
from admin.web import schemas as s
from admin.web.blueprints import api_bp as bp
from admin.web.guard import api
from admin.web.guard import body as _body
from idp.services import services
from idp.web import csrf


@bp.post("/accounts/<person_id>/phone")
@csrf.exempt
@api(Permission.ACCOUNTS_RECOVER, body=s.PHONE_RESET, returns=s.RECOVERED)
def account_reset_phone(admin, person_id):
    """Assisted recovery: set the phone the person holds now (identity checked in person)."""
    body = _body()
    return asdict(account_recovery.reset_phone(services(), admin, person_id[:36],
                                               body["phone"], body.get("reason")))


@bp.post("/accounts/<person_id>/second-factor/remove")
@csrf.exempt
@api(Permission.ACCOUNTS_RECOVER, body=s.REASON_ONLY, returns=s.RECOVERED)
def account_remove_second_factor(admin, person_id):
    """Assisted recovery: remove the person's authenticator app and recovery codes."""
    return asdict(account_recovery.remove_second_factor(services(), admin, person_id[:36],
                                                        _body().get("reason")))
