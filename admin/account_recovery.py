"""Assisted recovery: a person lost both phone and second factor and came to a service hall.

A security administrator, having checked their identity in person, sets the phone number they
now hold or removes their authenticator app (and its recovery codes) and passkeys, giving a
reason. Both
are audited twice in one transaction: on the person's account (so their own history shows it)
and as the administrator's ADMIN_ACTION. Every session of the person then ends: whoever holds
the lost phone is signed out everywhere, relying parties told. Last, the person is told by
SMS (``idp.notify``): after a phone reset both the old and the new number, so an owner whose
identity was faked at the counter hears of it on the phone they still hold.
"""

from __future__ import annotations

from dataclasses import dataclass

from admin.access import require
from admin.errors import AdminError
from admin.principal import Admin
from admin.roles import Permission
from admin.trail import need_reason, record_action
from idp.accounts import inputs
from idp.accounts.errors import AccountError
from idp.accounts.models import PHONE, Person
from idp.audit import EventType, record
from idp.authn.models import TotpCredential
from idp.authn.passkeys.credentials import remove_all_passkeys
from idp.authn.recovery import delete_recovery_codes
from idp.notify import MessageKind, send_sms
from idp.services import Services
from idp.sso.logout import end_session


@dataclass(frozen=True)
class Recovered:
    changed: bool  # False: there was no second factor to remove
    sessions_ended: int


def reset_phone(services: Services, admin: Admin, person_id: str, phone: str | None,
                reason: str | None) -> Recovered:
    """Replace the person's phone number with the one they hold now."""
    why = need_reason(reason)
    require(admin, Permission.ACCOUNTS_RECOVER)
    try:
        number = inputs.phone(phone or "")
    except AccountError as exc:
        raise AdminError("bad_input", exc.description) from exc
    with services.db.begin() as session:
        person = _person(session, admin, person_id)
        old = services.cipher.open(person.phone_sealed, PHONE) if person.phone_sealed else None
        person.phone_sealed = services.cipher.seal(number, PHONE)
        person.phone_index = services.blind_index(number, PHONE)
        record(session, EventType.ACCOUNT_UPDATE, actor=admin.actor, account_id=person.id,
               username=person.username, fields=["phone"], assisted_by=admin.username)
        record_action(session, admin, "account.reset_phone", why, target=person.username,
                      account_id=person.id, after={"phone": f"{number[:3]}****{number[-4:]}"})
    ended = _end_sessions(services, admin, person_id)
    for phone in dict.fromkeys(p for p in (old, number) if p):
        _tell(services, admin, person_id, phone, "更换了绑定手机号")
    return Recovered(True, ended)


def remove_second_factor(services: Services, admin: Admin, person_id: str,
                         reason: str | None) -> Recovered:
    """Remove the person's authenticator app and recovery codes, and their passkeys: the
    devices were lost with the phone, and a passkey is a second factor too (they add new
    ones)."""
    why = need_reason(reason)
    require(admin, Permission.ACCOUNTS_RECOVER)
    with services.db.begin() as session:
        person = _person(session, admin, person_id)
        phone = services.cipher.open(person.phone_sealed, PHONE) if person.phone_sealed else None
        credential = session.get(TotpCredential, person.id)
        if credential is not None:
            session.delete(credential)
            delete_recovery_codes(session, person.id)
            record(session, EventType.MFA_REMOVE, actor=admin.actor, account_id=person.id,
                   username=person.username, method="totp", assisted_by=admin.username)
        passkeys = remove_all_passkeys(session, person.id)
        if passkeys:
            record(session, EventType.MFA_REMOVE, actor=admin.actor, account_id=person.id,
                   username=person.username, method="passkey", count=passkeys,
                   assisted_by=admin.username)
        if credential is not None or passkeys:
            record_action(session, admin, "account.remove_second_factor", why,
                          target=person.username, account_id=person.id,
                          before={"totp": credential is not None, "passkeys": passkeys},
                          after={"totp": False, "passkeys": 0})
    if credential is None and not passkeys:
        return Recovered(False, 0)
    ended = _end_sessions(services, admin, person_id)
    if phone:
        removed = "、".join(name for name, present in (
            ("验证器", credential is not None), ("通行密钥", passkeys)) if present)
        _tell(services, admin, person_id, phone, f"解除了两步验证（{removed}）")
    return Recovered(True, ended)


def _person(session, admin: Admin, person_id: str) -> Person:
    person = session.get(Person, person_id, with_for_update=True)
    if person is None or person.disabled:
        raise AdminError("not_found", status=404)
    if person.id == admin.account_id:  # nobody recovers their own account (four eyes)
        raise AdminError("bad_input", "不能对自己的账号做人工找回 / not on your own account")
    return person


def _end_sessions(services: Services, admin: Admin, person_id: str) -> int:
    return sum(end_session(services, sid=live.sid, actor=admin.actor,
                           initiator="admin_recovery") is not None
               for live in services.sessions.for_account(person_id))


def _tell(services: Services, admin: Admin, person_id: str, phone: str, change: str) -> None:
    # A failed send is audited by send_sms (sms.send, failure) and does not undo the recovery.
    send_sms(services, admin.actor, phone, MessageKind.ASSISTED_RECOVERY, account_id=person_id,
             change=change)
