"""Forgot password: a code sent to the account's own phone, then a new password.

The first step answers alike whether or not the username and phone belong together (no
account enumeration): a code goes out only when they do, through the same send limits as
every SMS code (``idp.authn.phone_codes``). The code alone never logs anyone in, and an
account with an authenticator app still needs it at the next login: SMS resets the
password, not the second factor. Success ends every session of the account.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from idp.accounts import inputs
from idp.accounts.enums import AccountClass
from idp.accounts.errors import AccountError
from idp.accounts.models import PHONE
from idp.accounts.password_policy import WeakPassword, check_password
from idp.accounts.service import change_password, find_person_by_username, get_person
from idp.audit import Actor
from idp.authn.one_time_codes import CodeCheck, CodePurpose
from idp.authn.phone_codes import check_code, codes, send_code
from idp.authn.security_notices import tell_account
from idp.authn.send_limits import SendRefusal
from idp.notify import MessageKind
from idp.sso.logout import end_session

if TYPE_CHECKING:
    from idp.services import Services

FLOW_TTL = 10 * 60


@dataclass(frozen=True)
class ResetFlow:
    id: str
    phone: str
    account_id: str | None  # None: username and phone do not belong together


def begin_reset(services: Services, actor: Actor, username: str, phone: str
                ) -> tuple[ResetFlow | None, SendRefusal | None]:
    """(the flow to continue, a send refusal) — (None, None) for a malformed phone number."""
    try:
        number = inputs.phone(phone)
    except AccountError:
        return None, None
    person = find_person_by_username(services, username)
    owner = person is not None and not person.disabled and \
        person.phone_index == services.blind_index(number, PHONE)
    flow = ResetFlow(secrets.token_urlsafe(18), number, person.id if owner else None)
    refusal = None
    if owner:
        refusal = send_code(services, actor, CodePurpose.RECOVERY, number)
    else:  # a code nobody receives, so the next step fails exactly as a wrong code does
        codes(services).issue(CodePurpose.RECOVERY, _decoy(flow.id))
    services.store.put(f"pw-reset:{flow.id}", json.dumps(asdict(flow)), FLOW_TTL)
    return flow, refusal


def load_reset(services: Services, flow_id: str | None) -> ResetFlow | None:
    raw = services.store.get(f"pw-reset:{flow_id}") if flow_id else None
    return ResetFlow(**json.loads(raw)) if raw else None


def finish_reset(services: Services, actor: Actor, flow: ResetFlow, code: str,
                 password: str) -> CodeCheck:
    """Check the new password's policy (AccountError ``weak_password``, no try spent), then
    the code; OK: the password is set, every session ended, the flow gone. A flow whose
    username and phone did not match checks its code all the same and fails alike."""
    person = get_person(services, flow.account_id) if flow.account_id else None
    if person is not None:
        try:
            check_password(password, account_class=AccountClass(person.account_class),
                           username=person.username, settings=services.settings)
        except WeakPassword as error:
            raise AccountError("weak_password", error.description, error.reason) from None
    if person is None:
        return codes(services).verify(CodePurpose.RECOVERY, _decoy(flow.id), code)
    result = check_code(services, actor, CodePurpose.RECOVERY, flow.phone, code)
    if result is not CodeCheck.OK:
        return result
    change_password(services, actor, person.id, password)
    tell_account(services, actor, person.id, MessageKind.PASSWORD_CHANGED)
    services.store.delete(f"pw-reset:{flow.id}")
    for live in services.sessions.for_account(person.id):
        end_session(services, sid=live.sid, actor=actor, initiator="password_reset")
    return CodeCheck.OK


def _decoy(flow_id: str) -> str:
    return f"decoy:{flow_id}"
