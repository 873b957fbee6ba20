"""SMS telling a person of a security change to their account: the password, the second
factor, a deletion request (issue 12: security events reach the person by SMS).

A person without a phone gets none; a message that cannot be sent is audited by ``send_sms``
and never undoes the change it reports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from idp.accounts.models import PHONE
from idp.accounts.service import get_person
from idp.audit import Actor
from idp.notify import MessageKind, send_sms

if TYPE_CHECKING:
    from idp.services import Services


def tell_account(services: Services, actor: Actor, account_id: str, kind: MessageKind,
                 **values: object) -> bool:
    """Send ``kind`` to the account's phone; False when it has none or the send failed."""
    person = get_person(services, account_id)
    if person is None or not person.phone_sealed:
        return False
    phone = services.cipher.open(person.phone_sealed, PHONE)
    return send_sms(services, actor, phone, kind, account_id=account_id, **values)
