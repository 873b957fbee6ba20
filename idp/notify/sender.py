"""The seam every SMS goes through: a sender takes one message or raises SmsUnavailable."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from idp.notify.messages import MessageKind


@dataclass(frozen=True)
class SmsMessage:
    phone: str  # 11 digits, already normalised (idp.accounts.inputs.phone)
    kind: MessageKind
    text: str  # rendered; may hold a one-time code, so never logged


class SmsUnavailable(Exception):
    """The message could not be handed over. ``reason`` is short and stable (``timeout``,
    ``http_503``, ``connection``); nothing in it is a secret or the phone number."""

    def __init__(self, reason: str, attempts: int = 1) -> None:
        super().__init__(f"SMS not sent after {attempts} attempt(s): {reason}")
        self.reason = reason
        self.attempts = attempts


class SmsSender(Protocol):
    name: str  # "outbox" | "http", recorded in the audit event

    def send(self, message: SmsMessage) -> None:
        """Hand the message over for delivery; SmsUnavailable when that failed."""
