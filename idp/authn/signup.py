"""Self sign-up as three steps: a phone gets a code, the code proves it, the account is made.

The flow's state is a ``SignupFlow`` in the Store under a random id the browser holds in its
signed session; it lives ``SIGNUP_TTL`` seconds from the first step, however busy. The phone
is sealed in it (personal data at rest). Nothing any step answers tells whether the phone is
already registered: a phone that may not take another account gets a "someone tried to
register" SMS instead of its code, and the flow then behaves as for a mistyped code.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from idp.accounts import inputs
from idp.accounts.errors import AccountError
from idp.accounts.models import Person
from idp.accounts.self_signup import create_signed_up_person, phone_accepts_account
from idp.audit import Actor, EventType
from idp.authn.one_time_codes import CodeCheck, CodePurpose
from idp.authn.phone_codes import check_code, send_code
from idp.authn.send_limits import SendRefusal
from idp.notify import MessageKind

if TYPE_CHECKING:
    from idp.services import Services

SIGNUP_TTL = 15 * 60
_SEALED = "signup.phone"  # the sealing context of the phone in the flow


@dataclass
class SignupFlow:
    phone_sealed: str
    door: str = "person"
    login_id: str | None = None  # the relying party's LoginRequest to return to, if any
    verified_at: int | None = None  # when the code proved the phone
    decoy: bool = False  # the phone may not take another account: no code was sent
    id: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    created_at: int = field(default_factory=lambda: int(time.time()))


def load_flow(services: Services, flow_id: str | None) -> SignupFlow | None:
    raw = services.store.get(f"signup:{flow_id}") if flow_id else None
    return SignupFlow(**json.loads(raw)) if raw else None


def _save(services: Services, flow: SignupFlow) -> None:
    left = flow.created_at + SIGNUP_TTL - int(time.time())
    if left > 0:
        services.store.put(f"signup:{flow.id}", json.dumps(asdict(flow)), left)


def phone_of(services: Services, flow: SignupFlow) -> str:
    return services.cipher.open(flow.phone_sealed, _SEALED)


def start(services: Services, actor: Actor, phone: str, *, door: str,
          login_id: str | None) -> tuple[SignupFlow | None, SendRefusal | None]:
    """Send the sign-up code (or the owner's notice) to a phone typed in; AccountError when
    it is no mainland mobile number. (the new flow, None) or (None, why nothing was sent)."""
    mobile = inputs.phone(phone)
    flow = SignupFlow(services.cipher.seal(mobile, _SEALED), door, login_id)
    refusal = _send(services, actor, flow, mobile)
    if refusal is not None:
        return None, refusal
    _save(services, flow)
    return flow, None


def resend(services: Services, actor: Actor, flow: SignupFlow) -> SendRefusal | None:
    refusal = _send(services, actor, flow, phone_of(services, flow))
    if refusal is None:
        _save(services, flow)
    return refusal


def _send(services: Services, actor: Actor, flow: SignupFlow, mobile: str) \
        -> SendRefusal | None:
    flow.decoy = not phone_accepts_account(services, mobile)
    instead = MessageKind.SIGNUP_PHONE_TAKEN if flow.decoy else None
    return send_code(services, actor, CodePurpose.SIGNUP, mobile, instead=instead)


def prove_phone(services: Services, actor: Actor, flow: SignupFlow, code: str) -> CodeCheck:
    """Check the code typed; OK marks the flow's phone proved."""
    result = check_code(services, actor, CodePurpose.SIGNUP, phone_of(services, flow), code)
    if result is CodeCheck.OK and flow.decoy:  # a guessed decoy (1 in 10^6 a try)
        return CodeCheck.WRONG
    if result is CodeCheck.OK:
        flow.verified_at = int(time.time())
        _save(services, flow)
    return result


def finish(services: Services, actor: Actor, flow: SignupFlow, *, username: str,
           password: str, privacy_notice_version: str, client_id: str | None = None) \
        -> Person | None:
    """Make the account of a flow whose phone is proved, ending the flow; None when the flow
    ended meanwhile (a second submit: one flow makes one account); AccountError on bad input
    (the flow stays for another try). Audits the login the sign-up is."""
    if flow.verified_at is None:
        raise ValueError("the phone of this sign-up is not proved")
    if services.store.take(f"signup:{flow.id}") is None:
        return None
    try:
        person = create_signed_up_person(
            services, actor, username=username, password=password,
            phone=phone_of(services, flow),
            phone_verified_at=datetime.fromtimestamp(flow.verified_at, UTC),
            privacy_notice_version=privacy_notice_version,
        )
    except AccountError:
        _save(services, flow)
        raise
    services.audit_batch.record(EventType.LOGIN, actor=actor, account_id=person.id,
                                username=person.username, client_id=client_id, door=flow.door,
                                methods=["sms", "pwd"], via="self_signup")
    return person
