"""Using a passkey: options for ``navigator.credentials.get()``, then the assertion checked.

Two purposes. "second_factor": after the password, for the pending login's account only (its
passkeys are listed to the browser). "login": passwordless, a discoverable credential of
anyone, with user verification required (the biometric or PIN on the device is the second
factor). Either way the signature, challenge, origin and RP ID are checked by py_webauthn and
the signature counter here: a counter that does not grow means a cloned authenticator
(WebAuthn L3 §6.1.1) and is refused and audited. Refusals never say more than "not accepted"
to the browser; the audit event has the reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from webauthn import (
    generate_authentication_options,
    options_to_json,
    verify_authentication_response,
)
from webauthn.helpers import base64url_to_bytes
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    UserVerificationRequirement,
)

from idp.accounts.deletion import AccountDeletion, aware
from idp.accounts.enums import AccountClass
from idp.accounts.models import Person
from idp.audit import Actor, EventType, Outcome, record
from idp.authn.passkeys.models import Passkey
from idp.authn.passkeys.relying_party import (
    TIMEOUT_MS,
    new_challenge,
    relying_party,
    take_challenge,
)
from idp.db import utcnow

if TYPE_CHECKING:
    from idp.services import Services

SECOND_FACTOR = "second_factor"
LOGIN = "login"

# py_webauthn's messages -> the reason the audit event gives (a closed vocabulary).
_REASONS = (
    ("origin", "origin"),
    ("RP ID", "rp_id"),
    ("challenge", "challenge"),
    ("verification", "user_verification"),
    ("not present", "user_presence"),
    ("signature", "signature"),
)


@dataclass(frozen=True)
class Asserted:
    account_id: str | None = None
    username: str | None = None
    person_level: int | None = None
    method: str | None = None  # "hwk" | "swk"
    error: str | None = None  # the refusal's reason (audited); the browser hears only "no"


def assertion_options(services: Services, purpose: str, binding: str,
                      account_id: str | None = None) -> str:
    """PublicKeyCredentialRequestOptions as JSON, bound to ``binding``."""
    rp = relying_party(services)
    allowed: list[PublicKeyCredentialDescriptor] = []
    if purpose == SECOND_FACTOR and account_id is not None:
        with services.db.session() as session:
            rows = session.execute(select(Passkey.credential_id, Passkey.transports)
                                   .where(Passkey.account_id == account_id)).all()
        allowed = [PublicKeyCredentialDescriptor(
            id=base64url_to_bytes(c), transports=[AuthenticatorTransport(v) for v in t] or None)
            for c, t in rows]
    options = generate_authentication_options(
        rp_id=rp.id, challenge=new_challenge(services, purpose, binding, account_id),
        timeout=TIMEOUT_MS, allow_credentials=allowed,
        user_verification=UserVerificationRequirement.REQUIRED if purpose == LOGIN
        else UserVerificationRequirement.PREFERRED)
    return options_to_json(options)


def has_passkeys(services: Services, account_id: str) -> bool:
    with services.db.session() as session:
        return session.scalar(
            select(Passkey.id).where(Passkey.account_id == account_id).limit(1)) is not None


def verify_assertion(services: Services, purpose: str, binding: str, response: str, *,
                     actor: Actor, door: str, client_id: str | None = None) -> Asserted:
    """Check the browser's assertion against the challenge made for ``binding``; audit it."""
    challenge = take_challenge(services, purpose, binding)
    try:
        data = json.loads(response)
    except ValueError:
        data = None
    credential_id = data.get("id") if isinstance(data, dict) else None
    passkey = _passkey(services, credential_id) if isinstance(credential_id, str) else None
    account_id = passkey.account_id if passkey else (challenge.account_id if challenge else None)
    audit = _Audit(services, purpose, actor, door, client_id, passkey)
    if challenge is None:  # expired, never made, or used already: a replay
        return audit.refused(account_id, "no_challenge")
    if passkey is None:
        return audit.refused(challenge.account_id, "unknown_credential")
    if challenge.account_id is not None and challenge.account_id != passkey.account_id:
        return audit.refused(challenge.account_id, "other_account")
    rp = relying_party(services)
    try:
        verified = verify_authentication_response(
            credential=data, expected_challenge=challenge.value, expected_rp_id=rp.id,
            expected_origin=rp.origin, credential_public_key=passkey.public_key,
            credential_current_sign_count=0,  # compared below, to audit a regression apart
            require_user_verification=purpose == LOGIN)
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        return audit.refused(passkey.account_id, _reason(str(exc)), detail=str(exc)[:200])
    handle = data["response"].get("userHandle")  # a dict: py_webauthn parsed it
    if handle and base64url_to_bytes(handle) != passkey.account_id.encode():
        return audit.refused(passkey.account_id, "user_handle")
    if not _advance_counter(services, passkey, verified.new_sign_count):
        return audit.refused(passkey.account_id, "sign_count_regression",
                             stored=passkey.sign_count, received=verified.new_sign_count)
    person = _usable_person(services, passkey.account_id)
    if person is None:
        return audit.refused(passkey.account_id, "disabled")
    audit.accepted(person)
    return Asserted(account_id=person.id, username=person.username,
                    person_level=person.assurance_level, method=passkey.method)


def _passkey(services: Services, credential_id: str) -> Passkey | None:
    with services.db.session() as session:
        return session.scalar(select(Passkey).where(Passkey.credential_id == credential_id[:1400]))


def _advance_counter(services: Services, passkey: Passkey, received: int) -> bool:
    """Store the new signature counter; False when it did not grow. An authenticator that
    keeps no counter sends 0 every time (allowed while the stored one is 0 too). The UPDATE's
    condition settles two concurrent uses of one counter value: one of them wins."""
    if received == 0 and passkey.sign_count == 0:
        with services.db.begin() as session:
            session.execute(update(Passkey).where(Passkey.id == passkey.id)
                            .values(last_used_at=utcnow()))
        return True
    if received <= passkey.sign_count:
        return False
    with services.db.begin() as session:
        done = session.execute(
            update(Passkey).where(Passkey.id == passkey.id, Passkey.sign_count < received)
            .values(sign_count=received, last_used_at=utcnow()))
        return done.rowcount == 1


def _usable_person(services: Services, account_id: str) -> Person | None:
    """The account, when it may log in: enabled, a citizen's or an administrator's (staff
    log in at their directory), not past its deletion grace period."""
    with services.db.session() as session:
        person = session.get(Person, account_id)
        deletion = session.get(AccountDeletion, account_id)
    if person is None or person.disabled or person.account_class == AccountClass.STAFF:
        return None
    if deletion is not None and aware(deletion.purge_after) <= utcnow():
        return None
    return person


def _reason(message: str) -> str:
    return next((reason for needle, reason in _REASONS if needle in message), "invalid")


@dataclass
class _Audit:
    """The one audit event of an attempt: ``login.mfa`` for the second factor, ``login`` for
    a passwordless login; ``method`` "passkey" and the RFC 8176 value in both."""

    services: Services
    purpose: str
    actor: Actor
    door: str
    client_id: str | None
    passkey: Passkey | None

    def refused(self, account_id: str | None, reason: str, **detail) -> Asserted:
        self._write(Outcome.FAILURE, account_id, None, reason=reason, **detail)
        return Asserted(error=reason)

    def accepted(self, person: Person) -> None:
        self._write(Outcome.SUCCESS, person.id, person.username)

    def _write(self, outcome: Outcome, account_id: str | None, username: str | None,
               **detail) -> None:
        if self.passkey is not None:
            detail.update(passkey_id=self.passkey.id, amr=self.passkey.method)
        if self.purpose == LOGIN:
            event, detail["methods"] = EventType.LOGIN, ["passkey"]
        else:
            event, detail["method"] = EventType.LOGIN_MFA, "passkey"
        with self.services.db.begin() as session:
            record(session, event, outcome, actor=self.actor, account_id=account_id,
                   username=username, client_id=self.client_id, door=self.door, **detail)
