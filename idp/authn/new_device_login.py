"""A login from a browser not seen in 90 days is told to the person by SMS (issue 12: security
events reach the person by SMS; kind ``new_device_login``).

The message says when and from which network (the IP with its last part hidden), nothing that
would help whoever logged in. An account without a phone gets none. The SMS never decides the
login: ``send_sms`` answers False and audits the failure when the sender is unavailable.
"""

from __future__ import annotations

import ipaddress
import time
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, select

from idp.accounts.models import PHONE, Person
from idp.audit import Actor
from idp.authn.known_devices import KEY_PURPOSE, KnownDevices
from idp.notify import MessageKind, send_sms

if TYPE_CHECKING:
    from idp.services import Services

CST = timezone(timedelta(hours=8))  # the message is read in Beijing time
_PHONE = select(Person.phone_sealed).where(Person.id == bindparam("account_id"))


def known_devices(services: Services) -> KnownDevices:
    return KnownDevices(services.store, services.keyring.key(KEY_PURPOSE)[1])


def note_login_device(services: Services, actor: Actor, *, account_id: str, device_id: str,
                      new_account: bool = False, now: int | None = None) -> bool:
    """Remember this login's device for the account; when it was not seen in 90 days, send
    the account's phone a ``new_device_login`` SMS, unless the login is the sign-up that made
    the account (``new_account``: its browser is only remembered). True when a message was
    handed over."""
    now = now or int(time.time())
    if not known_devices(services).check_in(account_id, device_id, now) or new_account:
        return False
    row = services.db.read_row(_PHONE, {"account_id": account_id})
    if row is None or not row.phone_sealed:
        return False
    phone = services.cipher.open(row.phone_sealed, PHONE)
    return send_sms(services, actor, phone, MessageKind.NEW_DEVICE_LOGIN, account_id=account_id,
                    time=datetime.fromtimestamp(now, CST).strftime("%Y-%m-%d %H:%M"),
                    ip=mask_ip(actor.ip))


def mask_ip(ip: str | None) -> str:
    """203.0.113.* or 2001:db8:1::* (the /48): enough to recognise one's own network, not to
    find the device. An address that does not parse is 未知 (unknown)."""
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return "未知"
    if address.version == 4:
        return str(address).rsplit(".", 1)[0] + ".*"
    return f"{ipaddress.ip_network(f'{address}/48', strict=False).network_address}*"
