"""SMS code login (短信验证码登录): a phone, then the code sent to it; no password.

The code is a ``CodePurpose.LOGIN`` one-time code (``idp.authn.phone_codes``: the sign-up's
hashing, expiry, tries and send limits). A phone an account holds counts, whether the person
proved it with a code (sign-up, phone change) or an operator recorded it (``idp users
add-person --phone``); it must name exactly one enabled citizen account (staff log in at their
directory's door).

No account enumeration: an unknown phone gets the same answer and the same send limits, but no
SMS (a number nobody registered is not texted by strangers); a code is issued for it all the
same under a decoy key nobody receives, so the code step fails exactly as a wrong code does.
Wrong codes count against the account's lockout (or, for an unknown phone, the phone's) as
wrong passwords do, so five tries per code cannot be multiplied by asking for new codes.

The login reaches level 1 at most (``amr`` ["sms"]): a phone proves possession, not identity.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from sqlalchemy import exists, select

from idp.accounts import inputs
from idp.accounts.deletion import AccountDeletion, aware
from idp.accounts.enums import AccountClass
from idp.accounts.errors import AccountError
from idp.accounts.models import PHONE, Person
from idp.audit import Actor, EventType, Outcome, record
from idp.authn.lockout import Lockout, Refusal, subject_for, take_lockout_notice
from idp.authn.models import TotpCredential
from idp.authn.one_time_codes import CodeCheck, CodePurpose
from idp.authn.passkeys.models import Passkey
from idp.authn.password_login import observe_failure
from idp.authn.phone_codes import check_code, codes, send_code
from idp.authn.send_limits import SendLimits, SendRefusal
from idp.db import utcnow
from idp.notify import mask_phone

if TYPE_CHECKING:
    from idp.services import Services

FLOW_TTL = 10 * 60
SMS_LEVEL = 1  # the most an SMS login reaches
AMR = "sms"  # RFC 8176: confirmation by SMS to a phone the account holds


@dataclass(frozen=True)
class SmsLoginFlow:
    """Between the phone and the code; kept in the Store, its id in the browser's session."""

    id: str
    phone: str
    account_id: str | None  # None: no single enabled citizen account holds the phone
    login_id: str | None = None  # the LoginRequest being served


@dataclass(frozen=True)
class SmsLoginResult:
    account_id: str | None = None
    username: str | None = None
    person_level: int = SMS_LEVEL
    second_factor: bool = False  # an authenticator app or a passkey: it comes next
    code: CodeCheck | None = None  # WRONG or VOID when the code did not prove the phone
    refusal: Refusal | None = None  # LOCKED or DELAYED
    until: int | None = None
    locked_at: int | None = None  # an earlier lockout of this account, to tell its owner


def begin_sms_login(services: Services, actor: Actor, phone: str, *,
                    login_id: str | None = None, now: int | None = None,
                    ) -> tuple[SmsLoginFlow | None, SendRefusal | None]:
    """(the flow to continue, a send refusal) — (None, None) for a malformed number."""
    try:
        number = inputs.phone(phone)
    except AccountError:
        return None, None
    owner = _account_of_phone(services, number)
    flow = SmsLoginFlow(secrets.token_urlsafe(18), number, owner, login_id)
    if owner is not None:
        refusal = send_code(services, actor, CodePurpose.LOGIN, number, now=now)
    else:
        # The same limits as a real send (the answers must not differ), then a code nobody
        # receives.
        tag = codes(services).phone_tag(number)
        refusal = SendLimits(services.store, services.settings).take_send(tag, actor.ip, now)
        codes(services).issue(CodePurpose.LOGIN, _decoy(flow.id))
    services.store.put(_key(flow.id), json.dumps(asdict(flow)), FLOW_TTL)
    return flow, refusal


def load_sms_login(services: Services, flow_id: str | None) -> SmsLoginFlow | None:
    raw = services.store.get(_key(flow_id)) if flow_id else None
    return SmsLoginFlow(**json.loads(raw)) if raw else None


def check_sms_login(services: Services, actor: Actor, flow: SmsLoginFlow, code: str, *,
                    door: str, client_id: str | None = None,
                    now: int | None = None) -> SmsLoginResult:
    """The code typed for the flow's phone: the account to log in, or why not. Audited as a
    login with ``methods`` ["sms"]; failures counted by the lockout."""
    now = now or int(time.time())
    lockout = Lockout(services.store, services.settings)
    subject = subject_for(flow.account_id, f"sms:{codes(services).phone_tag(flow.phone)}")
    block, counted = lockout.state(subject, actor.ip, now)
    if block is not None:
        _audit_failure(services, actor, flow, door, client_id, block.reason, [])
        return SmsLoginResult(refusal=block.reason, until=block.until)
    if flow.account_id is None:
        result = codes(services).verify(CodePurpose.LOGIN, _decoy(flow.id), code)
    else:
        result = check_code(services, actor, CodePurpose.LOGIN, flow.phone, code)
    person = _person(services, flow.account_id) if result is CodeCheck.OK else None
    if person is None:
        result = CodeCheck.VOID if result is CodeCheck.OK else result  # disabled meanwhile
        started = lockout.failure(subject, actor.ip, now, account_id=flow.account_id)
        _audit_failure(services, actor, flow, door, client_id, f"code_{result}", started)
        if started:
            return SmsLoginResult(code=result, refusal=Refusal.LOCKED, until=started[0].until)
        return SmsLoginResult(code=result)
    services.store.delete(_key(flow.id))
    had_failures = lockout.success(subject, counted)
    services.audit_batch.record(
        EventType.LOGIN, actor=actor, account_id=person.id, username=person.username,
        client_id=client_id, door=door, methods=[AMR], phone=mask_phone(flow.phone))
    return SmsLoginResult(
        account_id=person.id, username=person.username,
        person_level=min(person.assurance_level, SMS_LEVEL), second_factor=person.has_totp,
        locked_at=take_lockout_notice(services.store, person.id) if had_failures else None)


def drop_sms_login(services: Services, flow_id: str) -> None:
    services.store.delete(_key(flow_id))


@dataclass(frozen=True)
class _Person:
    id: str
    username: str
    assurance_level: int
    has_totp: bool


def _account_of_phone(services: Services, number: str) -> str | None:
    """The one enabled citizen account holding the number, or None (none, or several: a
    phone shared by accounts cannot say which to log in)."""
    digest = services.blind_index(number, PHONE)
    query = (select(Person.id, Person.disabled, Person.account_class, AccountDeletion.purge_after)
             .outerjoin(AccountDeletion, AccountDeletion.account_id == Person.id)
             .where(Person.phone_index == digest).limit(2))
    with services.db.session() as session:
        rows = session.execute(query).all()
    if len(rows) != 1:
        return None
    row = rows[0]
    gone = row.purge_after is not None and aware(row.purge_after) <= utcnow()
    if row.disabled or gone or row.account_class == AccountClass.STAFF:
        return None
    return row.id


def _person(services: Services, account_id: str | None) -> _Person | None:
    """The account at the moment the code proved its phone, if it may still log in."""
    if account_id is None:
        return None
    # A second factor is an authenticator app or a passkey (idp/authn/passkeys/).
    query = (select(Person.id, Person.username, Person.assurance_level, Person.disabled,
                    (TotpCredential.account_id.is_not(None)
                     | exists().where(Passkey.account_id == Person.id)).label("totp"))
             .outerjoin(TotpCredential, TotpCredential.account_id == Person.id)
             .where(Person.id == account_id))
    with services.db.session() as session:
        row = session.execute(query).first()
    if row is None or row.disabled:
        return None
    return _Person(row.id, row.username, row.assurance_level, bool(row.totp))


def _audit_failure(services: Services, actor: Actor, flow: SmsLoginFlow, door: str,
                   client_id: str | None, reason: str, started: list) -> None:
    with services.db.begin() as session:
        record(session, EventType.LOGIN, Outcome.FAILURE, actor=actor,
               account_id=flow.account_id, client_id=client_id, door=door, methods=[AMR],
               phone=mask_phone(flow.phone), reason=reason)
        for block in started:
            record(session, EventType.LOCKOUT, actor=actor, account_id=flow.account_id,
                   scope=block.scope, until=block.until)
        observe_failure(services, session, actor, mask_phone(flow.phone), flow.account_id)


def _decoy(flow_id: str) -> str:
    return f"decoy:{flow_id}"


def _key(flow_id: str | None) -> str:
    return f"sms-login:{flow_id}"
