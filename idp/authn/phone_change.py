"""Changing one's phone number: the password again, then a code sent to the new number.

The new number is proved by its code (``idp.authn.phone_codes``, purpose phone_change) before
anything changes; then it is sealed with its blind index, ``phone_verified_at`` set, the change
audited (ACCOUNT_UPDATE fields=["phone"]) and the old number told by SMS, so a thief who knew
the password cannot move the account away unnoticed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from idp.accounts import inputs
from idp.accounts.models import PHONE, Person
from idp.accounts.self_signup import phone_accepts_account
from idp.audit import Actor, EventType, record
from idp.authn.one_time_codes import CodeCheck, CodePurpose
from idp.authn.phone_codes import check_code, send_code
from idp.authn.reauth import confirm_password
from idp.authn.send_limits import SendRefusal
from idp.db import utcnow
from idp.notify import MessageKind, mask_phone, send_sms

if TYPE_CHECKING:
    from idp.services import Services

FLOW_TTL = 10 * 60


class PhoneChangeRefused(Exception):
    """``reason``: wrong_password, invalid_phone, same_phone, phone_taken, or a SendRefusal."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def begin_phone_change(services: Services, actor: Actor, *, account_id: str, sid: str,
                       password: str, phone: str) -> str:
    """Send a code to the new number; returns it normalised (kept for the session)."""
    if not confirm_password(services, account_id, password, actor=actor,
                            purpose="phone_change", sid=sid):
        raise PhoneChangeRefused("wrong_password")
    try:
        number = inputs.phone(phone)
    except ValueError:
        raise PhoneChangeRefused("invalid_phone") from None
    with services.db.session() as session:
        current = session.get(Person, account_id)
        if current.phone_index == services.blind_index(number, PHONE):
            raise PhoneChangeRefused("same_phone")
    refusal: SendRefusal | None = send_code(services, actor, CodePurpose.PHONE_CHANGE, number)
    if refusal is not None:
        raise PhoneChangeRefused(str(refusal))
    services.store.put(f"phone-change:{sid}", number, FLOW_TTL)
    return number


def pending_phone(services: Services, sid: str) -> str | None:
    return services.store.get(f"phone-change:{sid}")


def finish_phone_change(services: Services, actor: Actor, *, account_id: str, sid: str,
                        code: str) -> CodeCheck:
    """Check the code sent to the new number; OK: the number is the account's now."""
    number = pending_phone(services, sid)
    if number is None:
        return CodeCheck.VOID
    result = check_code(services, actor, CodePurpose.PHONE_CHANGE, number, code)
    if result is not CodeCheck.OK:
        return result
    # The policy of how many accounts a number may hold, told only to whoever proved it.
    if not phone_accepts_account(services, number):
        services.store.delete(f"phone-change:{sid}")
        raise PhoneChangeRefused("phone_taken")
    with services.db.begin() as session:
        person = session.get(Person, account_id, with_for_update=True)
        old = services.cipher.open(person.phone_sealed, PHONE) if person.phone_sealed else None
        person.phone_sealed = services.cipher.seal(number, PHONE)
        person.phone_index = services.blind_index(number, PHONE)
        person.phone_verified_at = utcnow()
        record(session, EventType.ACCOUNT_UPDATE, actor=actor, account_id=person.id,
               username=person.username, fields=["phone"])
    services.store.delete(f"phone-change:{sid}")
    if old:
        send_sms(services, actor, old, MessageKind.PHONE_CHANGED, account_id=account_id,
                 masked=mask_phone(number))
    return CodeCheck.OK
