"""Registering a passkey from "my account": options for ``navigator.credentials.create()``,
then the browser's answer checked (challenge, origin, RP ID, attestation format, user
verification) and stored with the name the person gave the device."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from webauthn import generate_registration_options, options_to_json, verify_registration_response
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    CredentialDeviceType,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from idp.audit import Actor, EventType, Outcome, record
from idp.authn.passkeys.methods import passkey_method
from idp.authn.passkeys.models import Passkey
from idp.authn.passkeys.relying_party import (
    TIMEOUT_MS,
    new_challenge,
    relying_party,
    take_challenge,
)
from idp.authn.security_notices import tell_account
from idp.notify import MessageKind

if TYPE_CHECKING:
    from idp.services import Services

MAX_PASSKEYS = 10  # per person: enough for every phone, computer and key one owns
NAME_LENGTH = 64
KNOWN_TRANSPORTS = frozenset(t.value for t in AuthenticatorTransport)


@dataclass(frozen=True)
class Registered:
    passkey: Passkey | None = None
    error: str | None = None  # "expired" | "invalid" | "duplicate" | "too_many"


def registration_options(services: Services, account_id: str, username: str,
                         display_name: str | None, sid: str) -> str:
    """The PublicKeyCredentialCreationOptions as JSON, bound to the SSO session ``sid``.
    A discoverable credential with user verification is asked for, so the same passkey also
    serves the passwordless login; the person's other passkeys are excluded (no duplicates
    on one authenticator)."""
    rp = relying_party(services)
    challenge = new_challenge(services, "register", sid, account_id)
    with services.db.session() as session:
        existing = session.scalars(
            select(Passkey.credential_id).where(Passkey.account_id == account_id)).all()
    options = generate_registration_options(
        rp_id=rp.id, rp_name=rp.name, user_name=username,
        user_id=account_id.encode(), user_display_name=display_name or username,
        challenge=challenge, timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED, require_resident_key=True,
            user_verification=UserVerificationRequirement.REQUIRED),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(c))
                             for c in existing],
    )
    return options_to_json(options)


def finish_registration(services: Services, account_id: str, sid: str, response: str,
                        name: str, *, actor: Actor) -> Registered:
    """Check the browser's answer to the options made for ``sid`` and store the passkey."""
    name = " ".join(name.split())[:NAME_LENGTH] or "通行密钥"
    challenge = take_challenge(services, "register", sid)
    if challenge is None or challenge.account_id != account_id:
        return _refused(services, actor, account_id, "expired")
    rp = relying_party(services)
    try:
        data = json.loads(response)
        verified = verify_registration_response(
            credential=data, expected_challenge=challenge.value, expected_rp_id=rp.id,
            expected_origin=rp.origin, require_user_verification=True)
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        return _refused(services, actor, account_id, "invalid", detail=str(exc)[:200])
    transports = _transports(data)
    method = passkey_method(
        data.get("authenticatorAttachment") if isinstance(data, dict) else None, transports,
        verified.credential_device_type == CredentialDeviceType.MULTI_DEVICE)
    credential_id = bytes_to_base64url(verified.credential_id)
    with services.db.begin() as session:
        if session.scalar(select(Passkey.id).where(Passkey.credential_id == credential_id)):
            return _refused(services, actor, account_id, "duplicate", session=session)
        count = session.scalar(select(func.count()).where(Passkey.account_id == account_id))
        if count >= MAX_PASSKEYS:
            return _refused(services, actor, account_id, "too_many", session=session)
        passkey = Passkey(
            account_id=account_id, credential_id=credential_id,
            public_key=verified.credential_public_key, sign_count=verified.sign_count,
            transports=transports, aaguid=verified.aaguid, method=method, name=name)
        session.add(passkey)
        session.flush()
        record(session, EventType.MFA_ENROL, actor=actor, account_id=account_id,
               method="passkey", amr=method, passkey_id=passkey.id, aaguid=verified.aaguid)
        session.expunge(passkey)
    tell_account(services, actor, account_id, MessageKind.SECOND_FACTOR_ADDED)
    return Registered(passkey=passkey)


def _transports(data) -> list[str]:
    response = data.get("response") if isinstance(data, dict) else None
    values = response.get("transports") if isinstance(response, dict) else None
    if not isinstance(values, list):
        return []
    return sorted({t for t in values if t in KNOWN_TRANSPORTS})


def _refused(services: Services, actor: Actor, account_id: str, reason: str, *, session=None,
             **detail) -> Registered:
    def write(s) -> None:
        record(s, EventType.MFA_ENROL, Outcome.FAILURE, actor=actor, account_id=account_id,
               method="passkey", reason=reason, **detail)

    if session is not None:
        write(session)
    else:
        with services.db.begin() as s:
            write(s)
    return Registered(error=reason)
