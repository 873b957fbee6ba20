"""What a passkey proves, in RFC 8176 ``amr`` values.

A passkey is "hwk" (proof of possession of a hardware-secured key) only when the browser
reported a roaming authenticator (``authenticatorAttachment`` "cross-platform") reached over
USB, NFC or Bluetooth and the credential cannot be backed up (not synced to a cloud account):
a security key. Everything else, a phone's or computer's built-in authenticator, a synced
passkey, a phone reached by QR code ("hybrid"), is "swk". Either one adds "user": the
authenticator tested the person's presence (RFC 8176 §2).
"""

from __future__ import annotations

HARDWARE_TRANSPORTS = frozenset({"usb", "nfc", "ble"})
PASSKEY_METHODS = frozenset({"hwk", "swk"})


def passkey_method(attachment: str | None, transports: list[str], backup_eligible: bool) -> str:
    if (attachment == "cross-platform" and not backup_eligible and transports
            and set(transports) <= HARDWARE_TRANSPORTS):
        return "hwk"
    return "swk"


def passkey_amr(method: str, *, after_password: bool) -> list[str]:
    """The session's ``amr`` after a passkey: ["pwd", method, "user"] as the second factor,
    [method, "user", "mfa"] for a passwordless login (its user verification is the second
    factor: something held and something the person is or knows)."""
    if after_password:
        return ["pwd", method, "user"]
    return [method, "user", "mfa"]
