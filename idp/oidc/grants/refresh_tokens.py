"""Refresh tokens: opaque 256-bit values, stored hashed, rotated on every use, in families.

RFC 9700 §4.14.2: bound to the client and the granted scope; rotated (the old one stops
working); a rotated token presented again revokes its whole family (someone holds a copy); an
absolute expiry for the family however often it is rotated. RFC 7009 §2.1: revoking a family,
whatever the reason, revokes the access tokens issued from the grant too (each row names the
access token issued with it).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from idp.accounts.legal_persons import valid_authorisations
from idp.accounts.service import get_person
from idp.audit import Actor, EventType, Outcome, record
from idp.db import utcnow
from idp.oidc.end_user import EndUser
from idp.oidc.errors import InvalidGrantError
from idp.oidc.grants.refresh_token_model import RefreshToken, aware
from idp.oidc.tokens import revoked
from idp.services import Services

log = logging.getLogger(__name__)


def new_value() -> str:
    return secrets.token_urlsafe(32)


def token_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def find(services: Services, value: str) -> RefreshToken | None:
    if not value or len(value) > 200:
        return None
    with services.db.session() as session:
        return session.get(RefreshToken, token_hash(value))


def usable(services: Services, value: str) -> RefreshToken | None:
    """The live token, or None; presenting a rotated token revokes its family."""
    row = find(services, value)
    if row is None or row.revoked_at is not None or row.is_expired():
        return None
    if row.rotated_at is not None:
        log.warning("refresh token reuse detected; revoking grant of client %s", row.client_id)
        revoke_family(services, row.family_id, row.client_id, reason="reuse")
        return None
    return row


def end_user(services: Services, row: RefreshToken) -> EndUser | None:
    """The grant's user, unless the account has since been disabled or deleted; a grant made
    while acting for a legal person the person may no longer act for is invalid_grant."""
    person = get_person(services, row.account_id)
    if person is None or person.disabled:
        return None
    if row.acting_for and not _may_still_act_for(services, row.account_id, row.acting_for):
        # The authorisation ended (revoked, expired): the grant made under it ends too.
        revoke_family(services, row.family_id, row.client_id, reason="authorisation_ended")
        raise InvalidGrantError("The authorisation to act for the legal person has ended.")
    return EndUser(account_id=row.account_id, sid=row.sid, auth_time=row.auth_time,
                   acr=row.acr, amr=list(row.amr or []), acting_for=row.acting_for)


def _may_still_act_for(services: Services, account_id: str, acting_for: dict) -> bool:
    """Whether the authorisation the grant was made under still holds (not revoked, not
    expired, the legal person active): a revoked agent refreshes nothing for the company."""
    return any(legal.id == acting_for.get("id")
               for _, legal in valid_authorisations(services, account_id))


def add(
    session: Session, value: str, client: Any, user: EndUser, scope: str,
    previous: RefreshToken | None, access: tuple[str, int] | None = None,
) -> RefreshToken:
    """Store a new refresh token; with ``previous``, rotate it in this same transaction.
    ``access`` is the (jti, exp) of the access token issued with it."""
    now = utcnow()
    family_expires = now + timedelta(seconds=client.refresh_token_absolute_lifetime)
    family = secrets.token_hex(16)
    if previous is not None:
        rotated = session.execute(
            update(RefreshToken)
            .where(RefreshToken.token_hash == previous.token_hash,
                   RefreshToken.rotated_at.is_(None), RefreshToken.revoked_at.is_(None))
            .values(rotated_at=now)
        )
        if rotated.rowcount != 1:  # a concurrent refresh won the race: this one is a reuse
            raise InvalidGrantError("The refresh token was already used.")
        family, family_expires = previous.family_id, aware(previous.family_expires_at)
    row = RefreshToken(
        token_hash=token_hash(value), family_id=family, client_id=client.client_id,
        account_id=user.account_id, scope=scope, sid=user.sid, auth_time=user.auth_time,
        acr=user.acr, amr=list(user.amr), acting_for=user.acting_for, created_at=now,
        expires_at=min(now + timedelta(seconds=client.refresh_token_lifetime), family_expires),
        family_expires_at=family_expires,
        access_jti=access[0] if access else None, access_exp=access[1] if access else None,
    )
    session.add(row)
    return row


def revoke_family(
    services: Services, family_id: str, client_id: str, *, reason: str,
    actor: Actor | None = None,
) -> int:
    """Revoke every live token of the family (one transaction, audited TOKEN_REVOKE), then
    the access tokens issued from it."""
    with services.db.begin() as session:
        count = revoke_family_in(session, family_id, client_id, reason=reason, actor=actor)
        issued = issued_access_tokens(session, [family_id])
    # After the commit: on SQLite the Store writes to the same file, which the transaction
    # holds locked until then.
    revoked.revoke_all(services.store, issued)
    return count


def revoke_family_in(
    session: Session, family_id: str, client_id: str, *, reason: str, actor: Actor | None,
) -> int:
    """The refresh tokens' part, in the caller's transaction; the caller then revokes the
    family's ``issued_access_tokens`` once it has committed."""
    result = session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    account = session.scalar(
        select(RefreshToken.account_id).where(RefreshToken.family_id == family_id).limit(1)
    )
    outcome = Outcome.FAILURE if reason in ("reuse", "code_reuse") else Outcome.SUCCESS
    record(session, EventType.TOKEN_REVOKE, outcome, actor=actor, account_id=account,
           client_id=client_id, kind="refresh_token", family=family_id, reason=reason)
    return result.rowcount


def issued_access_tokens(session: Session, family_ids: list[str]) -> list[tuple[str, int]]:
    """(jti, exp) of the unexpired access tokens issued with the families' refresh tokens:
    by the code, then by each refresh (RFC 7009 §2.1: the same authorization grant)."""
    if not family_ids:
        return []
    rows = session.execute(
        select(RefreshToken.access_jti, RefreshToken.access_exp)
        .where(RefreshToken.family_id.in_(family_ids), RefreshToken.access_jti.is_not(None),
               RefreshToken.access_exp > int(utcnow().timestamp()))
    ).all()
    return [(jti, exp) for jti, exp in rows]


def revoke_for_account(services: Services, account_id: str, client_id: str | None = None,
                       actor: Actor | None = None) -> int:
    """Revoke the person's grants (for one client, or all): their refresh tokens and the
    access tokens issued with them. "My account" uses this."""
    query = select(RefreshToken.family_id, RefreshToken.client_id).where(
        RefreshToken.account_id == account_id, RefreshToken.revoked_at.is_(None)
    )
    if client_id:
        query = query.where(RefreshToken.client_id == client_id)
    with services.db.begin() as session:
        families = set(session.execute(query).all())
        for family, family_client in families:
            revoke_family_in(session, family, family_client, reason="user", actor=actor)
        issued = issued_access_tokens(session, [family for family, _ in families])
    revoked.revoke_all(services.store, issued)
    return len(families)
