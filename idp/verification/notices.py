"""SMS about agent authorisations, through ``idp.notify`` (the outbox file in development).

A person without a phone gets none; a message that cannot be sent is audited by ``send_sms``
and never undoes the change it reports (the pages show the same facts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from idp.accounts.models import PHONE, Person
from idp.audit import Actor
from idp.notify import MessageKind, send_sms

if TYPE_CHECKING:
    from idp.services import Services


def tell(services: Services, actor: Actor, person: Person, kind: MessageKind,
         **values: object) -> bool:
    """Send one message to the person's phone; False when there is none or it failed."""
    if not person.phone_sealed:
        return False
    phone = services.cipher.open(person.phone_sealed, PHONE)
    return send_sms(services, actor, phone, kind, account_id=person.id, **values)
