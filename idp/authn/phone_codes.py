"""Sending and checking one-time SMS codes for any purpose: limits, code, message, audit.

The pieces (``one_time_codes``, ``send_limits``, ``idp.notify``) wired to the app's services,
so every flow that proves a phone (sign-up now; SMS login, recovery and phone change later)
sends and checks codes the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from idp.audit import Actor, EventType, Outcome
from idp.authn.one_time_codes import CODE_TTL, KEY_PURPOSE, CodeCheck, CodePurpose, OneTimeCodes
from idp.authn.send_limits import SendLimits, SendRefusal
from idp.notify import MessageKind, mask_phone, send_sms

if TYPE_CHECKING:
    from idp.services import Services

CODE_MESSAGES = {
    CodePurpose.SIGNUP: MessageKind.SIGNUP_CODE,
    CodePurpose.LOGIN: MessageKind.LOGIN_CODE,
    CodePurpose.RECOVERY: MessageKind.RECOVERY_CODE,
    CodePurpose.PHONE_CHANGE: MessageKind.PHONE_CHANGE_CODE,
}


def codes(services: Services) -> OneTimeCodes:
    return OneTimeCodes(services.store, services.keyring.key(KEY_PURPOSE)[1])


def send_code(services: Services, actor: Actor, purpose: CodePurpose, phone: str, *,
              instead: MessageKind | None = None, now: int | None = None) -> SendRefusal | None:
    """Issue a code for purpose and phone and send it, within the send limits; the refusal
    (audited) or None when sent. With ``instead`` that message is sent in place of the code,
    which is issued all the same and never told: the flow behaves exactly as for a person who
    mistypes it (sign-up on a phone that may not take another account)."""
    kind = instead or CODE_MESSAGES[purpose]
    tag = codes(services).phone_tag(phone)
    refusal = SendLimits(services.store, services.settings).take_send(tag, actor.ip, now)
    if refusal is not None:
        services.audit_batch.record(EventType.SMS_SEND, Outcome.FAILURE, actor=actor,
                                    kind=str(kind), phone=mask_phone(phone), reason=refusal)
        return refusal
    code = codes(services).issue(purpose, phone)
    values = {} if instead else {"code": code, "minutes": CODE_TTL // 60}
    return None if send_sms(services, actor, phone, kind, **values) else SendRefusal.UNAVAILABLE


def check_code(services: Services, actor: Actor, purpose: CodePurpose, phone: str,
               code: str) -> CodeCheck:
    """Verify a code typed for purpose and phone; failures are audited (never the code)."""
    result = codes(services).verify(purpose, phone, code)
    outcome = Outcome.SUCCESS if result is CodeCheck.OK else Outcome.FAILURE
    detail = {} if result is CodeCheck.OK else {"reason": str(result)}
    services.audit_batch.record(EventType.CODE_VERIFY, outcome, actor=actor,
                                purpose=str(purpose), phone=mask_phone(phone), **detail)
    return result
