"""Forgot password: a code sent to the account's own phone, then a new password.

The first step answers alike whether or not the username and phone belong together (no
account enumeration): a code goes out only when they do, through the same send limits as
every SMS code (``idp.authn.phone_codes``). Then, when the account has a second factor, that
factor: the authenticator's code, one of its passkeys, or a recovery code (issue 12: a phone
alone does not take over a two-factor account, nor one whose passkey logs in without any
password); last, the new password. The code never logs anyone in, and the second factor stays: SMS
resets the password, not the authenticator. Success ends every session of the account and
tells the phone.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from idp.accounts import inputs
from idp.accounts.enums import AccountClass
from idp.accounts.errors import AccountError
from idp.accounts.models import PHONE
from idp.accounts.password_policy import WeakPassword, check_password
from idp.accounts.service import change_password, find_person_by_username, get_person
from idp.audit import Actor
from idp.authn.lockout import Refusal
from idp.authn.one_time_codes import CodeCheck, CodePurpose
from idp.authn.passkeys.assertion import (
    SECOND_FACTOR,
    Asserted,
    assertion_options,
    has_passkeys,
    verify_assertion,
)
from idp.authn.pending import PendingLogin
from idp.authn.phone_codes import check_code, codes, send_code
from idp.authn.second_factor import SecondFactorResult, verify_second_factor
from idp.authn.security_notices import tell_account
from idp.authn.send_limits import SendRefusal
from idp.authn.totp import is_enrolled
from idp.notify import MessageKind
from idp.sso.logout import end_session

if TYPE_CHECKING:
    from idp.services import Services

FLOW_TTL = 10 * 60


class Stage(StrEnum):
    CODE = "code"
    SECOND_FACTOR = "second_factor"  # the authenticator's code, a passkey or a recovery code
    PASSWORD = "password"  # noqa: S105 - the new password's step, last


@dataclass(frozen=True)
class ResetFlow:
    id: str
    phone: str
    account_id: str | None  # None: username and phone do not belong together
    stage: Stage = Stage.CODE


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
    _save(services, flow)
    return flow, refusal


def load_reset(services: Services, flow_id: str | None) -> ResetFlow | None:
    raw = services.store.get(f"pw-reset:{flow_id}") if flow_id else None
    return ResetFlow(**json.loads(raw)) if raw else None


def check_reset_code(services: Services, actor: Actor, flow: ResetFlow, code: str
                     ) -> tuple[CodeCheck, ResetFlow]:
    """The SMS code; OK moves the flow on to the second factor (when one is enrolled) or
    the new password. A flow whose username and phone did not match fails alike."""
    if flow.stage != Stage.CODE:
        return CodeCheck.VOID, flow
    if flow.account_id is None:
        return codes(services).verify(CodePurpose.RECOVERY, _decoy(flow.id), code), flow
    result = check_code(services, actor, CodePurpose.RECOVERY, flow.phone, code)
    if result is not CodeCheck.OK:
        return result, flow
    stage = Stage.SECOND_FACTOR if has_second_factor(services, flow.account_id) \
        else Stage.PASSWORD
    return result, _save(services, replace(flow, stage=stage))


def check_reset_second_factor(services: Services, actor: Actor, flow: ResetFlow, code: str
                              ) -> SecondFactorResult:
    """The authenticator's code or a recovery code, counted against the lockout as the
    login's second-factor step is; a lock ends the flow."""
    person = get_person(services, flow.account_id) if flow.account_id else None
    if flow.stage != Stage.SECOND_FACTOR or person is None:
        return SecondFactorResult(error=Refusal.BAD_CODE)
    pending = PendingLogin(account_id=person.id, username=person.username,
                           person_level=person.assurance_level, door="person")
    result = verify_second_factor(services, pending, code, actor=actor,
                                  purpose="password_reset")
    if result.error == Refusal.LOCKED:
        services.store.delete(f"pw-reset:{flow.id}")
    elif result.error is None:
        _save(services, replace(flow, stage=Stage.PASSWORD))
    return result


def has_second_factor(services: Services, account_id: str) -> bool:
    return is_enrolled(services, account_id) or has_passkeys(services, account_id)


def reset_passkey_options(services: Services, flow: ResetFlow) -> str | None:
    """Options for one of the account's passkeys (None when the flow is not at that step);
    the challenge is bound to this flow."""
    if flow.stage != Stage.SECOND_FACTOR or flow.account_id is None:
        return None
    return assertion_options(services, SECOND_FACTOR, _passkey_binding(flow), flow.account_id)


def check_reset_passkey(services: Services, actor: Actor, flow: ResetFlow, response: str
                        ) -> Asserted:
    """The account's passkey in place of the authenticator's code: audited as a second factor
    with purpose ``password_reset``; a locked account stays locked."""
    if flow.stage != Stage.SECOND_FACTOR or flow.account_id is None:
        return Asserted(error="no_challenge")
    result = verify_assertion(services, SECOND_FACTOR, _passkey_binding(flow), response,
                              actor=actor, door="person", step="password_reset")
    if result.error is None and result.account_id != flow.account_id:
        return Asserted(error="other_account")
    if result.error is None:
        _save(services, replace(flow, stage=Stage.PASSWORD))
    return result


def finish_reset(services: Services, actor: Actor, flow: ResetFlow, password: str) -> bool:
    """Set the new password once the flow is at that step (False otherwise): AccountError
    ``weak_password`` names the rule broken. The password is set, the person told by SMS,
    every session ended, the flow gone."""
    person = get_person(services, flow.account_id) if flow.account_id else None
    if flow.stage != Stage.PASSWORD or person is None:
        return False
    try:
        check_password(password, account_class=AccountClass(person.account_class),
                       username=person.username, settings=services.settings)
    except WeakPassword as error:
        raise AccountError("weak_password", error.description, error.reason) from None
    change_password(services, actor, person.id, password)
    services.store.delete(f"pw-reset:{flow.id}")
    tell_account(services, actor, person.id, MessageKind.PASSWORD_CHANGED)
    for live in services.sessions.for_account(person.id):
        end_session(services, sid=live.sid, actor=actor, initiator="password_reset")
    return True


def _save(services: Services, flow: ResetFlow) -> ResetFlow:
    services.store.put(f"pw-reset:{flow.id}", json.dumps(asdict(flow)), FLOW_TTL)
    return flow


def _passkey_binding(flow: ResetFlow) -> str:
    return f"pw-reset:{flow.id}"


def _decoy(flow_id: str) -> str:
    return f"decoy:{flow_id}"
