"""TOTP second factor (RFC 6238, pyotp): enrolment with a QR code, verification, removal.

The secret is sealed at rest (``services.cipher``). A pending enrolment waits in the Store until
the person confirms it with a code. A code is accepted once: the Store remembers
"totp-used:<account>:<timestep>" for the window it could be valid in (RFC 6238 §5.2).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyotp
import qrcode
import qrcode.image.svg
from sqlalchemy import select

from idp.audit import Actor, EventType, Outcome, record
from idp.authn.models import TOTP_SECRET, TotpCredential
from idp.authn.recovery import new_recovery_codes, store_recovery_codes
from idp.authn.security_notices import tell_account
from idp.db import utcnow
from idp.notify import MessageKind
from idp.params import is_digits

if TYPE_CHECKING:
    from idp.services import Services

ISSUER = "一网通办"
PENDING_TTL = 15 * 60
PENDING_CONTEXT = "totp.pending"
STEP = 30
VALID_WINDOW = 1  # accept the previous and next step too (RFC 6238 §5.2 clock drift)


@dataclass(frozen=True)
class Enrolment:
    secret: str
    uri: str  # otpauth:// URI the authenticator app reads from the QR code

    @property
    def qr_svg(self) -> str:
        """The QR code as inline SVG markup (no image request, no third party)."""
        image = qrcode.make(self.uri, image_factory=qrcode.image.svg.SvgPathImage, border=2)
        svg = image.to_string(encoding="unicode")
        return svg.replace("<svg ", '<svg class="qr" role="img" aria-label="QR" ', 1)

    @property
    def grouped_secret(self) -> str:
        return " ".join(self.secret[i : i + 4] for i in range(0, len(self.secret), 4))


def is_enrolled(services: Services, account_id: str) -> bool:
    with services.db.session() as session:
        return session.get(TotpCredential, account_id) is not None


def begin_enrolment(services: Services, account_id: str, username: str) -> Enrolment:
    """The pending enrolment (made on first call, kept for PENDING_TTL) to show on the page."""
    key = f"totp-pending:{account_id}"
    sealed = services.store.get(key)
    if sealed:
        secret = services.cipher.open(sealed, PENDING_CONTEXT)
    else:
        secret = pyotp.random_base32()
        services.store.put(key, services.cipher.seal(secret, PENDING_CONTEXT), PENDING_TTL)
    uri = pyotp.TOTP(secret, interval=STEP).provisioning_uri(name=username, issuer_name=ISSUER)
    return Enrolment(secret=secret, uri=uri)


def confirm_enrolment(
    services: Services, account_id: str, code: str, actor: Actor, now: float | None = None
) -> list[str] | None:
    """Activate the pending secret when code matches; returns the ten recovery codes (shown
    once), or None for a wrong or expired code. Enrolment and codes are one transaction."""
    sealed = services.store.get(f"totp-pending:{account_id}")
    if not sealed:
        return None
    secret = services.cipher.open(sealed, PENDING_CONTEXT)
    if not _matches(services, account_id, secret, code, now):
        return None
    pairs = new_recovery_codes(services)
    sealed_secret = services.cipher.seal(secret, TOTP_SECRET)
    with services.db.begin() as session:
        existing = session.get(TotpCredential, account_id)
        if existing is not None:
            session.delete(existing)
            session.flush()
        session.add(TotpCredential(account_id=account_id, secret_sealed=sealed_secret))
        store_recovery_codes(session, account_id, pairs)
        record(session, EventType.MFA_ENROL, actor=actor, account_id=account_id, method="totp")
        record(session, EventType.RECOVERY_CODES_ISSUED, actor=actor, account_id=account_id,
               count=len(pairs))
    services.store.delete(f"totp-pending:{account_id}")
    tell_account(services, actor, account_id, MessageKind.SECOND_FACTOR_ADDED)
    return [code for code, _ in pairs]


def verify_totp(services: Services, account_id: str, code: str, now: float | None = None) -> bool:
    """True for a current code of the account's active secret not used before."""
    with services.db.session() as session:
        credential = session.get(TotpCredential, account_id)
        sealed = credential.secret_sealed if credential else None
    if sealed is None:
        return False
    if not _matches(services, account_id, services.cipher.open(sealed, TOTP_SECRET), code, now):
        return False
    with services.db.begin() as session:
        credential = session.get(TotpCredential, account_id)
        if credential is not None:
            credential.last_used_at = utcnow()
    return True


def remove_totp(services: Services, account_id: str, code: str, actor: Actor) -> bool:
    """Remove the authenticator and its recovery codes; requires a current code."""
    if not verify_totp(services, account_id, code):
        with services.db.begin() as session:
            record(session, EventType.MFA_REMOVE, Outcome.FAILURE, actor=actor,
                   account_id=account_id, method="totp", reason="bad_code")
        return False
    from idp.authn.recovery import delete_recovery_codes

    with services.db.begin() as session:
        credential = session.get(TotpCredential, account_id)
        if credential is not None:
            session.delete(credential)
        delete_recovery_codes(session, account_id)
        record(session, EventType.MFA_REMOVE, actor=actor, account_id=account_id, method="totp")
    tell_account(services, actor, account_id, MessageKind.SECOND_FACTOR_REMOVED)
    return True


def _matches(services: Services, account_id: str, secret: str, code: str,
             now: float | None) -> bool:
    code = "".join(code.split())
    if not is_digits(code, 6):  # ASCII only: "²" is a digit to str.isdigit()
        return False
    now = time.time() if now is None else now
    totp = pyotp.TOTP(secret, interval=STEP)
    step = int(now) // STEP
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        if totp.verify(code, for_time=(step + offset) * STEP, valid_window=0):
            # Claim this time step once for the account: a replayed code finds it taken.
            ttl = STEP * (2 * VALID_WINDOW + 2)
            return services.store.add(f"totp-used:{account_id}:{step + offset}", "1", ttl)
    return False


def active_accounts(services: Services, account_ids: list[str]) -> set[str]:
    with services.db.session() as session:
        rows = session.scalars(
            select(TotpCredential.account_id).where(TotpCredential.account_id.in_(account_ids))
        )
        return set(rows)
