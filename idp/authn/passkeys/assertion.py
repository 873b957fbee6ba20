"""Using a passkey: options for ``navigator.credentials.get()``, then the assertion checked.

Two purposes. "second_factor": after the password, for the pending login's account only (its
passkeys are listed to the browser). "login": passwordless, a discoverable credential of
anyone, with user verification required (the biometric or PIN on the device is the second
factor). Either way the signature, challenge, origin and RP ID are checked by py_webauthn and
the signature counter here: a counter that does not grow means a cloned authenticator
(WebAuthn L3 §6.1.1) and is refused and audited. An account locked by failed attempts is
locked for its passkeys too (as Keycloak's brute-force lock holds for every authenticator):
a lock ends when it runs out or an administrator lifts it, never by changing method; a
passwordless login that succeeds resets the account's failure count, as a password login does,
and tells its owner of a lockout since their last login. Refusals
never say more than "not accepted" (or "locked until") to the browser; the audit event has the
reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, select, update
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
from idp.authn.lockout import Lockout, subject_for, take_lockout_notice
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
    until: int | None = None  # error "locked"/"delayed": when the account's block ends
    must_change_password: bool = False  # a new password is owed before any session
    locked_at: int | None = None  # an earlier lockout of this account, to tell its owner


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
                     actor: Actor, door: str, client_id: str | None = None,
                     step: str | None = None) -> Asserted:
    """Check the browser's assertion against the challenge made for ``binding``; audit it
    (``step`` names a use that is not a login, e.g. ``password_reset``, in the event)."""
    challenge = take_challenge(services, purpose, binding)
    try:
        data = json.loads(response)
    except ValueError:
        data = None
    credential_id = data.get("id") if isinstance(data, dict) else None
    found = _credential(services, credential_id) if isinstance(credential_id, str) else None
    account_id = found.account_id if found else (challenge.account_id if challenge else None)
    audit = _Audit(services, purpose, actor, door, client_id, found, step)
    if challenge is None:  # expired, never made, or used already: a replay
        return audit.refused(account_id, "no_challenge")
    if found is None:
        return audit.refused(challenge.account_id, "unknown_credential")
    if challenge.account_id is not None and challenge.account_id != found.account_id:
        return audit.refused(challenge.account_id, "other_account")
    rp = relying_party(services)
    try:
        verified = verify_authentication_response(
            credential=data, expected_challenge=challenge.value, expected_rp_id=rp.id,
            expected_origin=rp.origin, credential_public_key=found.public_key,
            credential_current_sign_count=0,  # compared below, to audit a regression apart
            require_user_verification=purpose == LOGIN)
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        return audit.refused(found.account_id, _reason(str(exc)), detail=str(exc)[:200])
    handle = data["response"].get("userHandle")  # a dict: py_webauthn parsed it
    if handle and base64url_to_bytes(handle) != found.account_id.encode():
        return audit.refused(found.account_id, "user_handle")
    if not found.usable:
        return audit.refused(found.account_id, "disabled")
    lockout, subject = Lockout(services.store, services.settings), subject_for(found.account_id, "")
    block, counted = lockout.state(subject, actor.ip)
    if block is not None:  # Refusal.LOCKED or DELAYED, of the account or of this IP
        audit.refused(found.account_id, str(block.reason), scope=str(block.scope))
        return Asserted(error=str(block.reason), until=block.until)
    received = verified.new_sign_count
    with services.db.begin() as session:  # the counter and the event land together
        advanced = _advance_counter(session, found, received)
        if advanced:
            audit.write(session, Outcome.SUCCESS, found.account_id, found.username)
    if not advanced:
        return audit.refused(found.account_id, "sign_count_regression",
                             stored=found.sign_count, received=received)
    # The second factor comes after a password login, which already reset the count.
    had_failures = purpose == LOGIN and lockout.success(subject, counted)
    return Asserted(account_id=found.account_id, username=found.username,
                    person_level=found.assurance_level, method=found.method,
                    must_change_password=found.must_change_password,
                    locked_at=take_lockout_notice(services.store, found.account_id)
                    if had_failures else None)


@dataclass(frozen=True)
class _Credential:
    """A passkey and what the login needs of its account, read in one query."""

    id: str
    account_id: str
    public_key: bytes
    sign_count: int
    method: str
    username: str
    assurance_level: int
    usable: bool  # the account may log in (enabled, not staff, not past its deletion date)
    must_change_password: bool


# One prebuilt statement per assertion (a login path): the passkey, its account, and any
# deletion request.
_CREDENTIAL = (
    select(Passkey.id, Passkey.account_id, Passkey.public_key, Passkey.sign_count,
           Passkey.method, Person.username, Person.assurance_level, Person.disabled,
           Person.account_class, Person.must_change_password, AccountDeletion.purge_after)
    .join(Person, Person.id == Passkey.account_id)
    .outerjoin(AccountDeletion, AccountDeletion.account_id == Passkey.account_id)
    .where(Passkey.credential_id == bindparam("credential_id"))
)


def _credential(services: Services, credential_id: str) -> _Credential | None:
    with services.db.engine.connect() as conn:
        row = conn.execute(_CREDENTIAL, {"credential_id": credential_id[:1400]}).first()
    if row is None:
        return None
    # Staff log in at their directory; an account past its deletion grace period is gone.
    gone = row.purge_after is not None and aware(row.purge_after) <= utcnow()
    usable = not row.disabled and row.account_class != AccountClass.STAFF and not gone
    return _Credential(row.id, row.account_id, row.public_key, row.sign_count, row.method,
                       row.username, row.assurance_level, usable, row.must_change_password)


def _advance_counter(session, found: _Credential, received: int) -> bool:
    """Store the new signature counter; False when it did not grow. An authenticator that
    keeps no counter sends 0 every time (allowed while the stored one is 0 too). The UPDATE's
    condition settles two concurrent uses of one counter value: one of them wins."""
    if received == 0 and found.sign_count == 0:
        session.execute(update(Passkey).where(Passkey.id == found.id)
                        .values(last_used_at=utcnow()))
        return True
    if received <= found.sign_count:
        return False
    done = session.execute(
        update(Passkey).where(Passkey.id == found.id, Passkey.sign_count < received)
        .values(sign_count=received, last_used_at=utcnow()))
    return done.rowcount == 1


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
    found: _Credential | None
    step: str | None = None

    def refused(self, account_id: str | None, reason: str, **detail) -> Asserted:
        with self.services.db.begin() as session:
            self.write(session, Outcome.FAILURE, account_id, None, reason=reason, **detail)
        return Asserted(error=reason)

    def write(self, session, outcome: Outcome, account_id: str | None, username: str | None,
              **detail) -> None:
        if self.step is not None:
            detail["purpose"] = self.step
        if self.found is not None:
            detail.update(passkey_id=self.found.id, amr=self.found.method)
        if self.purpose == LOGIN:
            event, detail["methods"] = EventType.LOGIN, ["passkey"]
        else:
            event, detail["method"] = EventType.LOGIN_MFA, "passkey"
        record(session, event, outcome, actor=self.actor, account_id=account_id,
               username=username, client_id=self.client_id, door=self.door, **detail)
