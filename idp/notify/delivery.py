"""``send_sms``: render, send through the configured sender, audit the outcome.

Audit events carry the kind, the sender and the masked phone (138****5678), never the text:
it may hold a one-time code.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from idp.audit import Actor, EventType, Outcome
from idp.masking import mask_phone
from idp.notify.factory import make_sms_sender
from idp.notify.messages import MessageKind, render
from idp.notify.sender import SmsMessage, SmsUnavailable

if TYPE_CHECKING:
    from idp.services import Services

log = logging.getLogger(__name__)


def send_sms(services: Services, actor: Actor, phone: str, kind: MessageKind, *,
             account_id: str | None = None, **values: object) -> bool:
    """Send one message of ``kind`` to ``phone`` (normalised); True when it was handed over.
    A failure is logged and audited (``sms.send``, failure) and answered False."""
    sender = make_sms_sender(services.settings)
    message = SmsMessage(phone, kind, render(kind, **values))
    masked = mask_phone(phone)
    try:
        sender.send(message)
    except SmsUnavailable as error:
        log.warning("SMS %s to %s not sent by %s: %s", kind, masked, sender.name, error)
        services.audit_batch.record(
            EventType.SMS_SEND, Outcome.FAILURE, actor=actor, account_id=account_id,
            kind=str(kind), phone=masked, sender=sender.name, reason=error.reason,
            attempts=error.attempts)
        return False
    services.audit_batch.record(EventType.SMS_SEND, actor=actor, account_id=account_id,
                                kind=str(kind), phone=masked, sender=sender.name)
    return True
