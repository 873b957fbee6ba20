"""The browsers a person has logged in from in the last 90 days (issue 12: a login from any
other one is told to the person by SMS, ``idp/authn/new_device_login.py``).

The browser keeps a random device id in a long-lived cookie (``idp/web/device_cookie.py``).
The Store keeps, per (account, device), only an HMAC of the pair under the keyring's
``known-devices`` key, holding the time of the last login and living 90 days from it: the
Store may be a Redis the operations team can read, and neither the id nor the account can be
read back from its keys. A device id copied into another account's login is another pair.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from idp.store import Store

KNOWN_FOR = 90 * 24 * 3600  # seconds: "a browser not seen in 90 days" is new again
KEY_PURPOSE = "known-devices"  # the keyring's data key for the HMACs
_DEVICE_ID = re.compile(r"[A-Za-z0-9_-]{32}")
_TRIES = 5  # of the compare-and-set loop; only concurrent logins from one device loop


def new_device_id() -> str:
    """A fresh random id for a browser that brought none (192 bits)."""
    return secrets.token_urlsafe(24)


def is_device_id(value: str | None) -> bool:
    """Whether a cookie's value has the shape ``new_device_id`` makes (anything else is
    replaced, never looked up)."""
    return bool(value) and _DEVICE_ID.fullmatch(value) is not None


class KnownDevices:
    def __init__(self, store: Store, key: bytes) -> None:
        self.store = store
        self._key = key

    def check_in(self, account_id: str, device_id: str, now: int) -> bool:
        """Remember a login of the account from the device at ``now`` (epoch seconds); True
        when the device was not seen for the account in the ``KNOWN_FOR`` seconds before.
        Of concurrent logins from one new device exactly one is told True (add and swap are
        atomic), so the person gets one message."""
        entry = self._entry(account_id, device_id)
        for _ in range(_TRIES):
            seen = self.store.get(entry)
            if seen is None:
                if self.store.add(entry, str(now), KNOWN_FOR):
                    return True
                continue  # another login from this device just added it: look again
            last = int(seen)
            if now - last < KNOWN_FOR:
                self.store.put(entry, str(max(now, last)), KNOWN_FOR)  # refreshed
                return False
            if self.store.swap(entry, seen, str(now), KNOWN_FOR):
                return True
        return False  # lost every race: another login is answering for this device

    def _entry(self, account_id: str, device_id: str) -> str:
        message = f"device\x00{account_id}\x00{device_id}".encode()
        return "known-device:" + hmac.new(self._key, message, hashlib.sha256).hexdigest()[:40]
