"""Erasing the personal data of accounts whose deletion grace period is over (PIPL art. 47).

What goes: every sealed field and its blind index, the second factors, consents, refresh tokens
(and the access tokens issued with them), authorisations to act for legal persons and
invitations to, the password.
The username becomes a tombstone, so the name is free and nobody can log in as the account.
What stays: the row's id, which the audit log's events name. The audit events themselves are
untouched: they hold no personal data (``idp.audit.events``) and their hash chain must verify.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, or_

from clients.consent import Consent
from idp.accounts.deletion import AccountDeletion, aware, due
from idp.accounts.models import Authorisation, Person
from idp.audit import SYSTEM_ACTOR, EventType, record
from idp.authn.models import RecoveryCode, TotpCredential
from idp.authn.passkeys.models import Passkey
from idp.db import utcnow
from idp.oidc.grants import refresh_tokens
from idp.oidc.grants.refresh_token_model import RefreshToken
from idp.services import Services
from idp.sso.logout import end_session
from idp.verification.models import AgentInvitation

TOMBSTONE = "deleted."  # + the account id: no username a person can choose has a dot there
# Never an argon2 hash: verification answers False, whatever is typed.
NO_PASSWORD = "!erased"  # noqa: S105 - a marker, not a secret
ERASED_NAME = ""


def tombstone(account_id: str) -> str:
    return f"{TOMBSTONE}{account_id}"


def purge_deleted(services: Services, now: datetime | None = None) -> list[dict]:
    """Erase every account whose grace period ended by ``now``; one result per account:
    ``{"account_id", "removed": {what: count}}``."""
    now = now or utcnow()
    done = []
    for account_id in due(services, now):
        removed = erase(services, account_id, now=now)
        if removed is not None:
            done.append({"account_id": account_id, "removed": removed})
    return done


def erase(services: Services, account_id: str, *, now: datetime) -> dict[str, int] | None:
    """Erase one account whose request is due; None when it is not (cancelled meanwhile)."""
    # Sessions should be gone since the request; any left end here, relying parties told.
    for live in services.sessions.for_account(account_id):
        end_session(services, sid=live.sid, actor=SYSTEM_ACTOR, initiator="account_erased")
    refresh_tokens.revoke_for_account(services, account_id)  # their access tokens too
    with services.db.begin() as session:
        request = session.get(AccountDeletion, account_id, with_for_update=True)
        person = session.get(Person, account_id)
        if request is None or person is None or aware(request.purge_after) > now:
            return None
        removed = {name: session.execute(statement).rowcount for name, statement in (
            ("consents", delete(Consent).where(Consent.account_id == account_id)),
            ("refresh_tokens", delete(RefreshToken).where(RefreshToken.account_id == account_id)),
            ("authorisations", delete(Authorisation).where(
                Authorisation.person_id == account_id)),
            ("totp", delete(TotpCredential).where(TotpCredential.account_id == account_id)),
            ("recovery_codes", delete(RecoveryCode).where(RecoveryCode.account_id == account_id)),
            ("passkeys", delete(Passkey).where(Passkey.account_id == account_id)),
            # Invitations to become an agent: those to the person, and those they sent that
            # nobody answered yet (an answered one's grant is under authorisations).
            ("invitations", delete(AgentInvitation).where(or_(
                AgentInvitation.person_id == account_id,
                and_(AgentInvitation.invited_by == account_id,
                     AgentInvitation.status == "pending")))),
        )}
        # Every sealed column and blind index, including ones added after this was written.
        for column in Person.__table__.columns:
            if column.name.endswith(("_sealed", "_index")):
                setattr(person, column.key, None)
        person.phone_verified_at = None  # the phone is gone; nothing was proved any more
        person.username = tombstone(account_id)
        person.name = ERASED_NAME
        person.password_hash = NO_PASSWORD
        person.disabled = True
        person.must_change_password = False
        person.assurance_level = 1
        session.delete(request)
        session.flush()
        record(session, EventType.ACCOUNT_ERASE, actor=SYSTEM_ACTOR, account_id=account_id,
               username=person.username, removed=removed)
    return removed
